"""`closedserver server ...`: status, backup and restore of a data dir, server notices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.context import (
    DEFAULT_DATA_DIR,
    DataDir,
    JsonOutput,
    fail,
    open_homeserver,
)
from cli.output import human_size, print_fields, print_json
from cli.progress import progress_bars
from closedserver.config import ConfigError, load_config
from closedserver.services.admin import backup as backups

app = typer.Typer(help="Server status, backups and server notices.", no_args_is_help=True)


@app.command("status")
def status(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Show the server's name, version, whether it runs, and its users, rooms and sizes.

    Example: closedserver server status
    """
    with open_homeserver(data_dir) as hs:
        report = hs.admin.status.status().to_json()
    if json:
        print_json(report)
        return
    report["running"] = f"yes, at {report['address']}" if report["running"] else \
        f"no (nothing answers at {report['address']})"
    del report["address"]
    report["federation"] = "on" if report["federation"] else "off (closed)"
    report["database_bytes"] = human_size(report["database_bytes"])
    media = report["media_bytes"]
    report["media_bytes"] = "no media store" if media is None else human_size(media)
    print_fields(report)



@app.command("backup")
def backup(dest: Annotated[Path, typer.Argument(help="A new or empty directory.",
                                                file_okay=False)],
           data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Copy database, config, signing key and media while the server runs; verify the copy.

    Example: closedserver server backup /srv/backups/2024-06-01
    """
    try:
        config = load_config(data_dir)
        with progress_bars() as bars:
            result = backups.backup(config, dest, on_database=bars.ratio("database pages"),
                                    on_media=bars.ratio("media bytes"))
    except (ConfigError, backups.BackupError) as exc:
        fail(str(exc))
    if json:
        print_json({**result.manifest, "path": str(result.path),
                    "database_bytes": result.database_bytes,
                    "media_bytes": result.media_bytes})
        return
    typer.echo(f"backed up {config.server.server_name} to {dest}: database "
               f"{human_size(result.database_bytes)} (integrity ok), {result.media_files} "
               f"media files ({human_size(result.media_bytes)})")


@app.command("restore")
def restore(source: Annotated[Path, typer.Argument(help="A directory made by `server "
                                                   "backup`.", exists=True, file_okay=False)],
            data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Restore a backup into an empty (or new) data dir, then start it with `run`.

    Example: closedserver server restore /srv/backups/2024-06-01 --data-dir /srv/closedserver
    """
    try:
        with progress_bars() as bars:
            manifest, warnings = backups.restore(source, data_dir,
                                                 on_media=bars.ratio("media bytes"))
    except backups.BackupError as exc:
        fail(str(exc))
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    if json:
        print_json({"data_dir": str(data_dir), "server_name": manifest["server_name"],
                    "warnings": warnings})
        return
    typer.echo(f"restored {manifest['server_name']} into {data_dir}; start it with: "
               f"closedserver run --data-dir {data_dir}")


@app.command("notice")
def notice(words: Annotated[list[str], typer.Argument(
               help="USER TEXT, or only TEXT with --all.", metavar="[USER] TEXT")],
           all_users: Annotated[bool, typer.Option(
               "--all", help="Send to every active local user.")] = False,
           data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Send a server notice into users' server notices rooms (which they cannot leave).

    Example: closedserver server notice alice 'Maintenance tonight at 22:00 UTC'
    """
    if len(words) != (1 if all_users else 2):
        fail("give USER and TEXT, or --all and TEXT")
    text = words[-1]
    with open_homeserver(data_dir) as hs:
        if all_users:
            users = hs.admin.notices.recipients()
            with progress_bars() as bars:
                sent = hs.admin.notices.send_to_all(text, users,
                                                    bars.counter("sending", len(users)))
            result: dict[str, object] = {"sent": sent}
        else:
            room_id, event_id = hs.admin.notices.send(words[0], text)
            result = {"sent": 1, "room_id": room_id, "event_id": event_id}
    if json:
        print_json(result)
    else:
        typer.echo(f"sent the notice to {result['sent']} user(s)")
