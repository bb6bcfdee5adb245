"""`closedserver init` and `closedserver run`: create a data dir, serve it."""

from __future__ import annotations

import logging
import os
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer

from cli.context import DEFAULT_DATA_DIR, DataDir, fail
from closedserver.config import (
    CONFIG_FILE_NAME,
    ConfigError,
    config_from_dict,
    load_config,
    render_config_file,
)
from closedserver.matrix.signing import SigningKey, save_signing_key
from closedserver.storage.database import Database
from closedserver.storage.migrations import migrate

log = logging.getLogger(__name__)


def init(
    server_name: Annotated[str, typer.Option(help="The server name in user IDs, e.g. "
                                             "example.org or 127.0.0.1:8448.")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    listen: Annotated[str, typer.Option(help="HOST:PORT to serve on.")] = "127.0.0.1:8008",
    force: Annotated[bool, typer.Option(help="Replace an existing config, key and database "
                                        "(destroys all data).")] = False,
) -> None:
    """Create a data dir: config, ed25519 signing key and an empty database.

    Example: closedserver init --server-name example.org --data-dir /srv/closedserver
    """
    config_text = render_config_file(server_name, listen)
    try:
        config = config_from_dict(data_dir, tomllib.loads(config_text))
    except ConfigError as exc:
        fail(str(exc))
    config_path = data_dir / CONFIG_FILE_NAME
    existing = [p for p in (config_path, config.database_path) if p.exists()]
    if existing and not force:
        fail(f"{data_dir} already holds {', '.join(p.name for p in existing)}; "
             "use --force to replace everything (all data is lost)")
    data_dir.mkdir(parents=True, exist_ok=True)
    for path in (config.database_path, *_sidecars(config.database_path)):
        path.unlink(missing_ok=True)
    config_path.write_text(config_text)
    key = SigningKey.generate()
    save_signing_key(config.signing_key_path, key)
    key_id = key.key_id
    database = Database(config.database_path)
    migrate(database)
    database.close()
    config.path(config.media.path).mkdir(exist_ok=True)
    typer.echo(f"Created {data_dir}/ for server {server_name}: {CONFIG_FILE_NAME}, "
               f"signing key {key_id}, database {config.database_path.name}.")
    typer.echo(f"Next: closedserver user create alice --admin --data-dir {data_dir}")


def _sidecars(database_path: Path) -> list[Path]:
    return [database_path.with_name(database_path.name + suffix) for suffix in ("-wal", "-shm")]


def run(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Serve the homeserver (one process) until interrupted.

    Example: closedserver run --data-dir /srv/closedserver
    """
    try:
        load_config(data_dir)
    except ConfigError as exc:
        fail(str(exc))
    # Become the lean server process (same PID): the CLI's libraries stay out of memory.
    command = [sys.executable, "-m", "closedserver.serve", "--data-dir", str(data_dir)]
    os.execv(sys.executable, command)
