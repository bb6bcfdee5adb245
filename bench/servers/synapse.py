"""Synapse as the reference: a SQLite config written from scratch, keys from its own tool.

Synapse reads its config as YAML, and JSON is YAML, so the config is written with the
json module. Deviations from a freshly generated config, all for benchmarking:
rate limits raised out of reach, open registration without verification, federation
off (client listener only, empty federation whitelist, no trusted key servers), and the
/sync response cache off so repeated syncs are computed rather than replayed. Presence
and logging (INFO to a file through Synapse's buffered handler) stay as generated.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path
from typing import Any

from bench.servers.process import ServerProcess

SERVER_NAME = "localhost"
UNLIMITED = {"per_second": 100000, "burst_count": 100000}
RATE_LIMIT_KEYS = (
    "rc_message", "rc_registration", "rc_registration_token_validity", "rc_admin_redaction",
    "rc_joins_per_room", "rc_3pid_validation", "rc_third_party_invite", "rc_media_create",
    "rc_delayed_event_mgmt", "rc_room_creation", "rc_reports", "rc_user_directory",
    "rc_profile", "rc_key_requests",
)
NESTED_RATE_LIMITS = {
    "rc_login": ("address", "account", "failed_attempts"),
    "rc_joins": ("local", "remote"),
    "rc_invites": ("per_room", "per_user", "per_issuer"),
    "rc_presence": ("per_user",),
}


def rate_limits() -> dict[str, Any]:
    limits: dict[str, Any] = {key: dict(UNLIMITED) for key in RATE_LIMIT_KEYS}
    for key, parts in NESTED_RATE_LIMITS.items():
        limits[key] = {part: dict(UNLIMITED) for part in parts}
    return limits


def log_config(log_file: Path) -> dict[str, Any]:
    """Synapse's generated logging: INFO to a file, through its buffered handler."""
    precise = "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"
    return {
        "version": 1,
        "formatters": {"precise": {"format": precise}},
        "handlers": {
            "file": {"class": "logging.FileHandler", "formatter": "precise",
                     "filename": str(log_file), "encoding": "utf8"},
            "buffer": {"class": "synapse.logging.handlers.PeriodicallyFlushingMemoryHandler",
                       "target": "file", "capacity": 10, "flushLevel": 30, "period": 5},
        },
        "loggers": {"synapse.storage.SQL": {"level": "INFO"}},
        "root": {"level": "INFO", "handlers": ["buffer"]},
        "disable_existing_loggers": False,
    }


def homeserver_config(data_dir: Path, port: int) -> dict[str, Any]:
    listener = {"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}
    return {
        "server_name": SERVER_NAME,
        "pid_file": str(data_dir / "homeserver.pid"),
        "listeners": [listener],
        "database": {"name": "sqlite3", "args": {"database": str(data_dir / "homeserver.db")}},
        "log_config": str(data_dir / "log.config"),
        "media_store_path": str(data_dir / "media_store"),
        "signing_key_path": str(data_dir / "signing.key"),
        "report_stats": False,
        "macaroon_secret_key": secrets.token_urlsafe(32),
        "form_secret": secrets.token_urlsafe(32),
        "enable_registration": True,
        "enable_registration_without_verification": True,
        "federation_domain_whitelist": [],
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "presence": {"enabled": True},
        "caches": {"sync_response_cache_duration": 0},
        **rate_limits(),
    }


def synapse_version(python: Path) -> str:
    """The installed package's version (synapse.__version__ would add our git branch)."""
    code = "import importlib.metadata as m; print(m.version('matrix-synapse'))"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def prepare_synapse(venv: Path, data_dir: Path, port: int) -> ServerProcess:
    """Write config and signing key into an empty `data_dir`; the server is not started."""
    python = venv / "bin" / "python"
    data_dir.mkdir(parents=True, exist_ok=True)
    config_path = data_dir / "homeserver.yaml"
    config_path.write_text(json.dumps(homeserver_config(data_dir, port), indent=2))
    (data_dir / "log.config").write_text(json.dumps(log_config(data_dir / "homeserver.log")))
    argv = [str(python), "-m", "synapse.app.homeserver", "--config-path", str(config_path)]
    subprocess.run([*argv, "--generate-keys"], check=True, capture_output=True, cwd=data_dir)
    return ServerProcess(
        name="synapse",
        argv=argv,
        url=f"http://127.0.0.1:{port}",
        data_dir=data_dir,
        log_path=data_dir / "stdout.log",
        version=synapse_version(python),
    )
