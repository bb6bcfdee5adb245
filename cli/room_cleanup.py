"""`closedserver room shutdown|block|unblock|purge|purge-history|export`: taking rooms out of
use and out of the database (registered on the `room` group by cli/rooms.py)."""

from __future__ import annotations

import datetime
from dataclasses import asdict
from pathlib import Path
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
from cli.output import print_json, print_result
from cli.progress import progress_bars
from cli.room_options import RoomArg
from closedserver.clock import now_ms
from closedserver.config import parse_duration_ms


def shutdown(room: RoomArg,
             message: Annotated[str | None, typer.Option(
                 help="Told to the members (reason of their removal; posted in the new "
                      "room).")] = None,
             new_room_name: Annotated[str | None, typer.Option(
                 help="Create a replacement room with this name and move the members "
                      "there.")] = None,
             yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR,
             json: JsonOutput = False) -> None:
    """Remove every local member, block the room from new joins, optionally move members on.

    Example: closedserver room shutdown '#spam:example.org' --message 'Closed' --yes
    """
    with open_homeserver(data_dir) as hs:
        room_id = hs.admin.targets.room_id(room)
        confirm(f"Shut down {room_id}: remove every local member and block it?", yes)
        result = hs.admin.shutdown.shutdown(room_id, message=message,
                                            new_room_name=new_room_name)
    if json:
        print_json(asdict(result))
        return
    typer.echo(f"shut down {result.room_id}: {len(result.removed)} local member(s) removed, "
               "room blocked")
    if result.new_room_id:
        typer.echo(f"members moved to {result.new_room_id}"
                   + (f" with aliases {', '.join(result.aliases)}" if result.aliases else ""))
    elif result.aliases:
        typer.echo(f"aliases removed: {', '.join(result.aliases)}")


def block(room: RoomArg, data_dir: DataDir = DEFAULT_DATA_DIR,
          json: JsonOutput = False) -> None:
    """Block a room: nobody can join it any more (members stay).

    Example: closedserver room block '!AbCdEf:example.org'
    """
    _set_blocked(room, True, data_dir, json)


def unblock(room: RoomArg, data_dir: DataDir = DEFAULT_DATA_DIR,
            json: JsonOutput = False) -> None:
    """Allow joining a blocked room again.

    Example: closedserver room unblock '!AbCdEf:example.org'
    """
    _set_blocked(room, False, data_dir, json)


def _set_blocked(room: str, blocked: bool, data_dir: Path, json: bool) -> None:
    with open_homeserver(data_dir) as hs:
        room_id = hs.admin.moderation.set_blocked(room, blocked)
    print_result(json, {"room_id": room_id, "blocked": blocked},
                 f"{'blocked' if blocked else 'unblocked'} {room_id}")


def purge(room: RoomArg,
          delete_media: Annotated[bool, typer.Option(
              "--delete-media", help="Also delete the local media only this room used (no "
                                     "other room, profile or avatar names it).")] = False,
          vacuum: Annotated[bool, typer.Option(
              "--vacuum", help="VACUUM the database afterwards to give the space back.")] = False,
          yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR,
          json: JsonOutput = False) -> None:
    """Delete a room from the database for good (after `room shutdown`), with progress.

    Example: closedserver room purge '!AbCdEf:example.org' --yes
    """
    with open_homeserver(data_dir) as hs:
        plan = hs.admin.purge.plan(room)
        confirm(f"Purge {plan.room_id} for good ({plan.events} events)? This cannot be "
                "undone.", yes)
        with progress_bars() as bars:
            result = hs.admin.purge.purge(plan, bars.counter("purging", plan.steps))
        media = result.unreferenced_local_media
        deleted_media = hs.media.admin.delete(media) if delete_media and media else 0
        if vacuum:
            hs.admin.maintenance.vacuum()
    if json:
        print_json({**asdict(result), "deleted_media": deleted_media})
        return
    typer.echo(f"purged {result.room_id}: {result.events} events, {result.state_groups} "
               "state groups" + (f", {deleted_media} media" if deleted_media else ""))
    if media and not delete_media:
        typer.echo(f"{len(media)} local media only this room used remain in the media store "
                   "(--delete-media removes them): " + ", ".join(media))


def purge_history(room: RoomArg,
                  before: Annotated[str, typer.Option(
                      help="Drop messages sent before this UTC date or time (2024-01-31, "
                           "2024-01-31T12:00), or older than an age (90d).")],
                  yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR,
                  json: JsonOutput = False) -> None:
    """Delete a room's old messages for good; its state and latest events stay.

    Example: closedserver room purge-history '#team:example.org' --before 2024-01-01 --yes
    """
    before_ts = parse_before(before)
    with open_homeserver(data_dir) as hs:
        plan = hs.admin.purge.plan_history(room, before_ts)
        confirm(f"Delete {plan.events} messages of {plan.room_id} sent before {before}?", yes)
        with progress_bars() as bars:
            deleted = hs.admin.purge.purge_history(plan, before_ts,
                                                   bars.counter("purging", plan.events))
    print_result(json, {"room_id": plan.room_id, "before_ts": before_ts, "deleted": deleted},
                 f"deleted {deleted} events of {plan.room_id} sent before {before}")


def parse_before(text: str) -> int:
    """A UTC date, date-time or age (`90d`) as milliseconds since the epoch."""
    try:
        age = parse_duration_ms(text)
    except ValueError:
        age = None
    if age is not None:
        return now_ms() - age
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        fail(f"--before: expected a date such as 2024-01-31, a time such as "
             f"2024-01-31T12:00 or an age such as 90d, got {text!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp() * 1000)


def export(room: RoomArg,
           out: Annotated[Path, typer.Option(help="File to write (JSON Lines).",
                                             dir_okay=False)],
           data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Write every event of a room, in order, one PDU JSON per line.

    Example: closedserver room export '#team:example.org' --out team.jsonl
    """
    with open_homeserver(data_dir) as hs:
        room_id, total = hs.admin.export.count(room)
        with out.open("wb") as file, progress_bars() as bars:
            written = hs.admin.export.export(room_id, file, bars.counter("exporting", total))
    print_result(json, {"room_id": room_id, "events": written, "out": str(out)},
                 f"wrote {written} events of {room_id} to {out}")
