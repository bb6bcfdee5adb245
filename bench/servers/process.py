"""A homeserver child process: spawn it, time it to its first /versions answer, stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

READY_TIMEOUT_S = 180.0
POLL_INTERVAL_S = 0.01
STOP_TIMEOUT_S = 20.0


class ServerFailed(RuntimeError):
    """The server exited or never answered; the message carries its log's tail."""


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


@dataclass
class ServerProcess:
    """How to run one server, and the process once it runs."""

    name: str
    argv: list[str]
    url: str
    data_dir: Path
    log_path: Path
    version: str
    env: dict[str, str] = field(default_factory=dict)
    stop_signal_name: str = "SIGTERM"
    process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerFailed(f"{self.name} is not running")
        return self.process.pid

    def spawn(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        env = {**os.environ, **self.env}
        self.process = subprocess.Popen(
            self.argv, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.data_dir,
            start_new_session=True,
        )
        log.close()

    async def start(self) -> float:
        """Spawn the server; seconds from spawn to its first 200 on /versions."""
        started = time.perf_counter()
        self.spawn()
        await self.wait_ready()
        return time.perf_counter() - started

    async def wait_ready(self) -> None:
        deadline = time.perf_counter() + READY_TIMEOUT_S
        async with httpx.AsyncClient(base_url=self.url, timeout=5.0) as http:
            while time.perf_counter() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    raise ServerFailed(self._failure("exited early"))
                try:
                    if (await http.get("/_matrix/client/versions")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(POLL_INTERVAL_S)
        raise ServerFailed(self._failure(f"no /versions answer within {READY_TIMEOUT_S:.0f} s"))

    def stop(self) -> None:
        """SIGTERM (or SIGINT), then SIGKILL after STOP_TIMEOUT_S; only our own child."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.Signals[self.stop_signal_name])
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _failure(self, what: str) -> str:
        return f"{self.name} {what}; its log ({self.log_path}) ends:\n{log_tail(self.log_path)}"
