"""A real closedserver process for tests: a fresh data dir, a free loopback port, `run`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# Cheap password hashing: tests create many users; production defaults stay untouched.
TEST_ENV = {
    "CLOSEDSERVER_PASSWORDS_ARGON2_MEMORY_KIB": "64",
    "CLOSEDSERVER_PASSWORDS_ARGON2_TIME_COST": "1",
    "CLOSEDSERVER_REGISTRATION_MODE": "open",
    "CLOSEDSERVER_RATE_LIMITS_ENABLED": "false",
    "CLOSEDSERVER_SERVER_LOG_LEVEL": "info",
}
VENV_BIN = Path(sys.executable).parent
CLI = str(VENV_BIN / "closedserver")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    data_dir: Path
    port: int
    env: dict[str, str]
    server_name: str = "localhost"
    scheme: str = "http"
    process: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([CLI, "run", "--data-dir", str(self.data_dir)],
                                        env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited at start-up:\n{self.log()}")
            try:
                httpx.get(f"{self.url}/_matrix/client/versions", timeout=1, verify=False)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not answer within 20 s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run the admin CLI as a separate process against this server's data dir."""
        if "--data-dir" not in args:
            args = (*args, "--data-dir", str(self.data_dir))
        return subprocess.run([CLI, *args], env=self.env,
                              capture_output=True, text=True, input=input, timeout=60)


def init_server(data_dir: Path, *, server_name: str = "localhost",
                **overrides: str) -> RunningServer:
    """Create a data dir with `closedserver init`; env overrides like REGISTRATION_MODE."""
    port = free_port()
    env = {**os.environ, **TEST_ENV}
    env.pop("CLOSEDSERVER_DATA_DIR", None)
    for key, value in overrides.items():
        env[f"CLOSEDSERVER_{key.upper()}"] = value
    subprocess.run([CLI, "init", "--server-name", server_name, "--data-dir", str(data_dir),
                    "--listen", f"127.0.0.1:{port}"], env=env, check=True,
                   capture_output=True)
    scheme = "https" if "server_tls_certificate" in overrides else "http"
    return RunningServer(data_dir, port, env, server_name, scheme)
