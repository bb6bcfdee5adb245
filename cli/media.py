"""`closedserver media ...`: list, delete, purge, quarantine media and show statistics."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import (
    DEFAULT_DATA_DIR,
    DataDir,
    JsonOutput,
    Yes,
    confirm,
    fail,
    open_homeserver,
)
from cli.output import format_ts, human_size, print_fields, print_json, print_table
from cli.progress import progress_bars
from closedserver.config import parse_duration_ms
from closedserver.services.media.ids import mxc_uri
from closedserver.storage.media import MediaRow

app = typer.Typer(help="Manage uploaded media.", no_args_is_help=True)

MxcArg = Annotated[str, typer.Argument(help="mxc://server/mediaId (or just the media ID)",
                                       metavar="MXC")]


def media_json(row: MediaRow, server_name: str) -> dict[str, object]:
    status = "quarantined" if row.quarantined_ts else "uploaded" if row.uploaded else "pending"
    return {"mxc": mxc_uri(server_name, row.media_id), "user_id": row.user_id,
            "content_type": row.content_type, "size": row.size, "filename": row.filename,
            "created_ts": row.created_ts, "status": status, "sha256": row.sha256}



@app.command("list")
def list_media(user: Annotated[str | None, typer.Option(
                   "--user", help="Only this user's media (alice or @alice:server).")] = None,
               limit: Annotated[int, typer.Option(help="At most this many, newest first.",
                                                  min=1)] = 100,
               data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """List media, newest first.

    Example: closedserver media list --user alice
    """
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id if user else None
        rows = [media_json(row, hs.server_name)
                for row in hs.media.admin.list(user_id, limit=limit)]
    if json:
        print_json(rows)
        return
    for row in rows:
        row["created"] = format_ts(row["created_ts"])  # type: ignore[arg-type]
        row["size"] = human_size(row["size"])  # type: ignore[arg-type]
    print_table(rows, ["mxc", "user_id", "content_type", "size", "filename", "created",
                       "status"], title="media")


@app.command("delete")
def delete(mxc: MxcArg, yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Delete one media item (and its file, unless other media has the same bytes).

    Example: closedserver media delete mxc://example.org/AbCdEf --yes
    """
    with open_homeserver(data_dir) as hs:
        row = hs.media.admin.find(mxc)
        confirm(f"Delete {mxc} ({row.content_type}, {human_size(row.size)}) of "
                f"{row.user_id}?", yes)
        hs.media.admin.delete([row.media_id])
    typer.echo(f"deleted {mxc}")


@app.command("purge")
def purge(older_than: Annotated[str, typer.Option(
              "--older-than", help="Age such as 30d, 12w: media uploaded longer ago goes.")],
          remote: Annotated[bool, typer.Option(
              "--remote", help="Only cached media of other servers (this server does not "
                               "federate, so there is none).")] = False,
          yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Delete media uploaded longer ago than --older-than (and expired unused IDs).

    Example: closedserver media purge --older-than 90d --yes
    """
    try:
        age_ms = parse_duration_ms(older_than)
    except ValueError as exc:
        fail(f"--older-than: {exc}")
    if age_ms is None:
        fail("--older-than: give an age such as 90d")
    if remote:
        typer.echo("purged 0 remote media: this server does not federate, so it caches none")
        return
    with open_homeserver(data_dir) as hs:
        media_ids = hs.media.admin.purge_candidates(age_ms)
        if not media_ids:
            typer.echo(f"no media older than {older_than}")
            return
        confirm(f"Delete {len(media_ids)} media older than {older_than}?", yes)
        with progress_bars() as bars:
            deleted = hs.media.admin.purge(media_ids,
                                           progress=bars.counter("purging", len(media_ids)))
    typer.echo(f"purged {deleted} media older than {older_than}")


@app.command("quarantine")
def quarantine(mxc: MxcArg, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Quarantine media: it is served as 404 M_NOT_FOUND from now on (the file is kept).

    Example: closedserver media quarantine mxc://example.org/AbCdEf
    """
    with open_homeserver(data_dir) as hs:
        hs.media.admin.set_quarantined(mxc, True)
    typer.echo(f"quarantined {mxc}")


@app.command("unquarantine")
def unquarantine(mxc: MxcArg, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Lift a quarantine: the media is served again.

    Example: closedserver media unquarantine mxc://example.org/AbCdEf
    """
    with open_homeserver(data_dir) as hs:
        hs.media.admin.set_quarantined(mxc, False)
    typer.echo(f"unquarantined {mxc}")


@app.command("stats")
def stats(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Show how much media is stored, and who stores the most.

    Example: closedserver media stats
    """
    with open_homeserver(data_dir) as hs:
        result = hs.media.admin.stats()
    t = result.totals
    fields = {"media": t.media_count, "media_bytes": t.media_bytes,
              "files": t.distinct_files, "file_bytes": t.distinct_bytes,
              "thumbnails": t.thumbnail_count, "thumbnail_bytes": t.thumbnail_bytes,
              "pending": t.pending_count, "quarantined": t.quarantined_count}
    top = [{"user_id": u, "media": n, "bytes": b} for u, n, b in result.top_users]
    if json:
        print_json({**fields, "top_users": top})
        return
    for key in ("media_bytes", "file_bytes", "thumbnail_bytes"):
        fields[key] = human_size(fields[key])  # type: ignore[assignment]
    print_fields(fields)
    for row in top:
        row["bytes"] = human_size(row["bytes"])  # type: ignore[arg-type]
    print_table(top, ["user_id", "media", "bytes"], title="top users")
