"""`server status`: what the server is, whether it runs, and how big it is.

Whether it runs is found by asking the configured listen address (a wildcard address is
asked on loopback) for `/_matrix/client/versions` with a one-second timeout: no pid file
to go stale, and it proves the process answers Matrix requests, not just that the port is
taken.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from closedserver import __version__
from closedserver.config import Config
from closedserver.storage.backup import database_bytes
from closedserver.storage.database import Database
from closedserver.storage.server_stats import ServerStatsStore

PROBE_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class ServerStatus:
    server_name: str
    version: str
    running: bool
    address: str
    federation: bool
    users: int
    admins: int
    deactivated_users: int
    rooms: int
    blocked_rooms: int
    events: int
    database_bytes: int
    media_bytes: int | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class ServerStatusReader:
    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db
        self.store = ServerStatsStore(db)

    def status(self) -> ServerStatus:
        with self.db.snapshot():
            counts = self.store.get_counts()
        media_dir = self.config.path(self.config.media.path)
        return ServerStatus(
            server_name=self.config.server.server_name, version=__version__,
            running=is_serving(self.config), address=probe_url(self.config).rsplit("/_", 1)[0],
            federation=self.config.federation.enabled, users=counts.users,
            admins=counts.admins, deactivated_users=counts.deactivated, rooms=counts.rooms,
            blocked_rooms=counts.blocked_rooms, events=counts.events,
            database_bytes=database_bytes(self.config.database_path),
            media_bytes=directory_bytes(media_dir) if media_dir.is_dir() else None)


def probe_url(config: Config) -> str:
    host = config.listen_host
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    scheme = "https" if config.tls_enabled else "http"
    return f"{scheme}://{host}:{config.listen_port}/_matrix/client/versions"


def is_serving(config: Config) -> bool:
    """True when the configured address answers /versions like a Matrix server."""
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
    if config.tls_enabled:  # our own listener, possibly with a self-signed certificate
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(probe_url(config), timeout=PROBE_TIMEOUT_S) as response:
            return "versions" in json.loads(response.read())
    except (OSError, ValueError):
        return False


def directory_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
