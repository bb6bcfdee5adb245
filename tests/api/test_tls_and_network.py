"""Serving HTTPS directly, and a closed server opening no outbound connections."""

import os
import ssl
import subprocess
from pathlib import Path

import httpx

from tests.helpers import create_room, register, send_text


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_serves_https_with_its_own_certificate(make_server, tmp_path):
    cert, key = make_certificate(tmp_path)
    running = make_server(server_tls_certificate=str(cert), server_tls_private_key=str(key))
    assert running.url.startswith("https://")
    trust = ssl.create_default_context(cafile=str(cert))
    resp = httpx.get(f"{running.url}/_matrix/client/versions", verify=trust)
    assert resp.status_code == 200 and "versions" in resp.json()
    well_known = httpx.get(f"{running.url}/.well-known/matrix/client", verify=trust).json()
    assert well_known["m.homeserver"]["base_url"].startswith("https://")


def remote_addresses_of(pid: int) -> set[str]:
    """Remote endpoints of the process's TCP sockets (from /proc, no extra tools)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    remotes = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes and fields[3] != "0A":  # 0A: listening
                remotes.add(fields[2])
    return remotes


def test_a_closed_server_opens_no_outbound_connection(server):
    alice, bob = register(server.url), register(server.url)
    room_id = create_room(alice, invite=[bob.user_id])
    bob.post(f"/join/{room_id}")
    send_text(alice, room_id, "hello")
    alice.post(f"/rooms/{room_id}/invite", {"user_id": "@someone:example.org"})
    bob.post("/join/!remote:example.org")
    loopback = {"0100007F", "00000000000000000000000001000000"}
    for remote in remote_addresses_of(server.process.pid):
        address = remote.split(":")[0]
        assert address in loopback or address.endswith("0100007F"), remote
