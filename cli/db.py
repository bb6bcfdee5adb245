"""`closedserver db ...`: schema migrations and database maintenance."""

from __future__ import annotations

import typer

from cli.context import DEFAULT_DATA_DIR, DataDir, JsonOutput, fail, open_homeserver
from cli.output import print_json
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


@app.command("check")
def check(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Check the database file (PRAGMA integrity_check and foreign_key_check); exit 1 on
    any problem. Safe while the server runs.

    Example: closedserver db check
    """
    with open_homeserver(data_dir) as hs:
        result = hs.admin.maintenance.check()
    if json:
        print_json({"ok": result.ok, "integrity": result.integrity,
                    "foreign_keys": result.foreign_keys})
    else:
        for problem in [*result.integrity, *result.foreign_keys]:
            typer.echo(problem)
        typer.echo("database ok" if result.ok else "database has problems", err=not result.ok)
    if not result.ok:
        raise typer.Exit(1)


@app.command("vacuum")
def vacuum(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Rebuild the database file to give free space back (after purges); writers wait.

    Example: closedserver db vacuum
    """
    with open_homeserver(data_dir) as hs:
        before, after = hs.admin.maintenance.vacuum()
    if json:
        print_json({"bytes_before": before, "bytes_after": after})
    else:
        typer.echo(f"vacuumed: {before // 1024} KiB -> {after // 1024} KiB")
