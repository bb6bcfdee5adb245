"""`closedserver db ...`: schema migrations and database maintenance."""

from __future__ import annotations

import typer

from cli.context import DEFAULT_DATA_DIR, DataDir, fail
from closedserver.config import ConfigError, load_config
from closedserver.storage.database import Database
from closedserver.storage.migrations import migrate, pending_migrations

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@app.command("migrate")
def migrate_command(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Apply pending schema migrations (the server also does this at start-up).

    Example: closedserver db migrate
    """
    try:
        config = load_config(data_dir)
    except ConfigError as exc:
        fail(str(exc))
    database = Database(config.database_path)
    try:
        pending = pending_migrations(database)
        applied = migrate(database)
    finally:
        database.close()
    if applied:
        typer.echo(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        typer.echo(f"database is up to date ({len(pending)} pending)")
