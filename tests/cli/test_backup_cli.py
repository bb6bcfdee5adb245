"""`closedserver server backup` while clients send, and `server restore` into a new server."""

import threading
import time
from pathlib import Path

from tests.cli.admin_helpers import cli_error, cli_json, cli_ok
from tests.helpers import (
    UserClient,
    joined_room_with,
    login,
    register,
    room_messages,
    send_text,
)
from tests.server import RunningServer, free_port

SENDERS = 10


def _send_until(stop: threading.Event, client, room_id: str, acked: list[str]) -> None:
    i = 0
    while not stop.is_set():
        body = f"{client.localpart} {i}"
        send_text(client, room_id, body)
        acked.append(body)  # only after the server answered 200
        i += 1


def _all_bodies(client, room_id: str) -> list[str]:
    bodies, token = [], None
    while True:
        params = {"dir": "b", "limit": 500, **({"from": token} if token else {})}
        page = room_messages(client, room_id, **params)
        bodies += [e["content"]["body"] for e in page["chunk"] if e["type"] == "m.room.message"]
        token = page.get("end")
        if not token or not page["chunk"]:
            return bodies


def _backup_while_sending(source: RunningServer, clients: list[UserClient], room_id: str,
                          dest: Path) -> tuple[list[str], dict]:
    """Run `server backup` while every client sends; returns the messages acknowledged
    before the backup began, and the backup's manifest."""
    acked: list[str] = []
    stop = threading.Event()
    threads = [threading.Thread(target=_send_until, args=(stop, c, room_id, acked))
               for c in clients]
    for thread in threads:
        thread.start()
    try:
        while len(acked) < 100:
            time.sleep(0.05)
        acked_before_backup = list(acked)
        manifest = cli_json(source, "server", "backup", str(dest))
        assert len(acked) > len(acked_before_backup)  # clients kept sending meanwhile
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return acked_before_backup, manifest


def test_backup_while_ten_clients_send_restores_every_acknowledged_message(make_server,
                                                                           tmp_path):
    source = make_server()
    clients = [register(source.url) for _ in range(SENDERS)]
    room_id = joined_room_with(clients[0], *clients[1:], preset="public_chat")
    acked_before_backup, manifest = _backup_while_sending(source, clients, room_id,
                                                          tmp_path / "backup")
    assert manifest["integrity_check"] == "ok"
    assert "not empty" in cli_error(source, "server", "backup", str(tmp_path / "backup"))

    restored_dir = tmp_path / "restored"
    cli_ok(source, "server", "restore", str(tmp_path / "backup"), "--data-dir",
           str(restored_dir))
    port = free_port()
    restored = RunningServer(restored_dir, port,
                             {**source.env, "CLOSEDSERVER_SERVER_LISTEN": f"127.0.0.1:{port}"})
    restored.start()
    try:
        logged_in = login(restored.url, clients[0].user_id)
        assert logged_in.status_code == 200, logged_in.text
        body = logged_in.json()
        reader = UserClient(restored.url, body["user_id"], body["access_token"],
                            body["device_id"])
        served = _all_bodies(reader, room_id)
        assert set(acked_before_backup) <= set(served)
        assert len(served) == len(set(served))
        newcomer = register(restored.url)  # the restored server takes new work too
        assert newcomer.post(f"/join/{room_id}").status_code == 200
        assert cli_json(restored, "db", "check")["ok"] is True
    finally:
        restored.stop()
    assert "not empty" in cli_error(source, "server", "restore", str(tmp_path / "backup"),
                                    "--data-dir", str(restored_dir))
