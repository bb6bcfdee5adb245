"""`closedserver room ...`: list, inspect and moderate rooms (cleanup commands in
room_cleanup.py). Commands that send events act as the service user @closedserver:SERVER,
or as the server admin named with --as."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from cli import room_cleanup
from cli.context import DEFAULT_DATA_DIR, DataDir, JsonOutput, fail, open_homeserver
from cli.output import format_ts, print_fields, print_json, print_result, print_table
from cli.room_options import AsUser, RoomArg
from cli.users import UserArg
from closedserver.services.admin.room_info import SORTS

app = typer.Typer(help="Manage rooms: list, inspect, moderate, shut down, purge.",
                  no_args_is_help=True)
alias_app = typer.Typer(help="Add or remove room aliases.", no_args_is_help=True)
app.add_typer(alias_app, name="alias")

LIST_COLUMNS = ["room_id", "name", "alias", "version", "members", "creator", "flags",
                "last_activity"]


@app.command("list")
def list_rooms(search: Annotated[str | None, typer.Option(
                   help="Only rooms whose ID, name or alias contains this text.")] = None,
               sort: Annotated[str, typer.Option(
                   help=f"Order: {', '.join(SORTS)}.")] = "activity",
               data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """List rooms with their members, settings and last activity.

    Example: closedserver room list --search team --sort members
    """
    if sort not in SORTS:
        fail(f"--sort must be one of {', '.join(SORTS)}")
    with open_homeserver(data_dir) as hs:
        rooms = [r.to_json() for r in hs.admin.room_info.list_rooms(search=search, sort=sort)]
    if json:
        print_json(rooms)
        return
    for row in rooms:
        row["alias"] = row["canonical_alias"]
        row["members"] = f"{row['local']} local" + (f" + {row['remote']} remote"
                                                     if row["remote"] else "")
        flags = [f for f in ("encrypted", "public", "blocked") if row[f]]
        row["flags"] = ", ".join(flags + ([] if row["federate"] else ["no federation"])) or None
        row["last_activity"] = format_ts(row["last_activity_ts"])
    print_table(rooms, LIST_COLUMNS, title="rooms", keep_whole=["room_id"])


@app.command("show")
def show(room: RoomArg, data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Show one room: state summary, power levels, aliases, directory visibility, counts.

    Example: closedserver room show '#team:example.org'
    """
    with open_homeserver(data_dir) as hs:
        details = hs.admin.room_info.show(room)
    if json:
        print_json(details)
        return
    print_fields(_readable_details(details))


def _readable_details(details: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in details.items() if k not in ("members", "power_levels")}
    shown["aliases"] = ", ".join(details["aliases"]) or None
    shown["alt_aliases"] = ", ".join(details["alt_aliases"]) or None
    shown["creators"] = ", ".join(details["creators"])
    shown["published"] = shown.pop("public")
    shown["created_ts"] = format_ts(details["created_ts"])
    shown["last_activity_ts"] = format_ts(details["last_activity_ts"])
    for kind, counts in details["members"].items():
        shown[f"members ({kind})"] = f"{counts['all']} ({counts['local']} local)"
    levels = details["power_levels"]
    users = levels.get("users") or {}
    shown["power levels"] = ", ".join(f"{u}={lvl}" for u, lvl in users.items()) or None
    shown["level defaults"] = ", ".join(
        f"{k} {levels[k]}" for k in ("users_default", "events_default", "state_default",
                                     "invite", "kick", "ban", "redact") if k in levels) or None
    media = details["local_media"]
    shown["local_media"] = "no media store" if media is None else media
    return shown


@app.command("members")
def members(room: RoomArg, data_dir: DataDir = DEFAULT_DATA_DIR,
            json: JsonOutput = False) -> None:
    """List a room's members with their membership and power level.

    Example: closedserver room members '!AbCdEf:example.org' --json
    """
    with open_homeserver(data_dir) as hs:
        rows = hs.admin.room_info.members(room)
    if json:
        print_json(rows)
        return
    print_table(rows, ["user_id", "displayname", "membership", "power_level", "local"],
                title="members", keep_whole=["user_id"])


@app.command("create")
def create(name: Annotated[str, typer.Option(help="The room's name.")],
           alias: Annotated[str | None, typer.Option(
               help="Local alias: name or #name:server.")] = None,
           public: Annotated[bool, typer.Option(
               "--public", help="Anyone may join; listed in the room directory.")] = False,
           invite: Annotated[list[str] | None, typer.Option(
               help="Invite this user (repeatable).", metavar="USER")] = None,
           encrypted: Annotated[bool, typer.Option(
               "--encrypted", help="Turn on end-to-end encryption.")] = False,
           as_user: AsUser = None, data_dir: DataDir = DEFAULT_DATA_DIR,
           json: JsonOutput = False) -> None:
    """Create a room owned by the service user (or by the admin given with --as).

    Example: closedserver room create --name Team --alias team --invite alice --as alice
    """
    with open_homeserver(data_dir) as hs:
        owner = hs.admin.identity.actor(as_user)
        room_id, room_alias = hs.admin.moderation.create_room(
            owner, name=name, alias=alias, public=public, invite=invite or [],
            encrypted=encrypted)
    if json:
        print_json({"room_id": room_id, "alias": room_alias, "owner": owner})
    else:
        typer.echo(f"created {room_id}{f' ({room_alias})' if room_alias else ''} "
                   f"owned by {owner}")


@app.command("join")
def join(room: RoomArg, user: UserArg, as_user: AsUser = None,
         data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Put a local user into a room (invited first by a member who may invite, if needed).

    Example: closedserver room join '#team:example.org' bob
    """
    with open_homeserver(data_dir) as hs:
        result = hs.admin.moderation.admin_join(room, user, as_user=as_user)
    if json:
        print_json(asdict(result))
    elif result.already_joined:
        typer.echo(f"{result.user_id} is already in {result.room_id}")
    else:
        via = f" (invited by {result.invited_by})" if result.invited_by else ""
        typer.echo(f"{result.user_id} joined {result.room_id}{via}")


@app.command("make-admin")
def make_admin(room: RoomArg, user: UserArg, as_user: AsUser = None,
               data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Raise a local user to the room's top power level, set by a local member who may.

    Example: closedserver room make-admin '#team:example.org' alice
    """
    with open_homeserver(data_dir) as hs:
        result = hs.admin.moderation.make_admin(room, user, as_user=as_user)
    if json:
        print_json(asdict(result))
    elif result.granted_by is None:
        level = "a creator (unlimited power)" if result.level == "creator" \
            else f"at level {result.level}"
        typer.echo(f"{result.user_id} is already {level} in {result.room_id}")
    else:
        typer.echo(f"{result.user_id} is now at level {result.level} in {result.room_id} "
                   f"(set by {result.granted_by})")


@app.command("publish")
def publish(room: RoomArg, data_dir: DataDir = DEFAULT_DATA_DIR,
            json: JsonOutput = False) -> None:
    """List a room in the published room directory.

    Example: closedserver room publish '#team:example.org'
    """
    _set_published(room, True, data_dir, json)


@app.command("unpublish")
def unpublish(room: RoomArg, data_dir: DataDir = DEFAULT_DATA_DIR,
              json: JsonOutput = False) -> None:
    """Remove a room from the published room directory.

    Example: closedserver room unpublish '#team:example.org'
    """
    _set_published(room, False, data_dir, json)


def _set_published(room: str, published: bool, data_dir: Path, json: bool) -> None:
    with open_homeserver(data_dir) as hs:
        room_id = hs.admin.moderation.set_published(room, published)
    print_result(json, {"room_id": room_id, "published": published},
                 f"published {room_id} in the room directory" if published
                 else f"removed {room_id} from the room directory")


AliasArg = Annotated[str, typer.Argument(help="#name:server, or just name.", metavar="ALIAS")]


@alias_app.command("add")
def alias_add(alias: AliasArg, room: RoomArg, as_user: AsUser = None,
              data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Point a new local alias at a room.

    Example: closedserver room alias add '#general:example.org' '!AbCdEf:example.org'
    """
    with open_homeserver(data_dir) as hs:
        full = hs.admin.moderation.add_alias(alias, room, as_user=as_user)
        room_id = hs.admin.targets.room_id(full)
    print_result(json, {"alias": full, "room_id": room_id}, f"{full} -> {room_id}")


@alias_app.command("remove")
def alias_remove(alias: AliasArg, room: RoomArg, as_user: AsUser = None,
                 data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Delete a room's alias (and drop it from the canonical alias when a member may).

    Example: closedserver room alias remove '#general:example.org' '!AbCdEf:example.org'
    """
    with open_homeserver(data_dir) as hs:
        full = hs.admin.moderation.remove_alias(alias, room, as_user=as_user)
    print_result(json, {"alias": full, "removed": True}, f"removed {full}")


# shutting rooms down and removing them (cli/room_cleanup.py)
app.command("shutdown")(room_cleanup.shutdown)
app.command("block")(room_cleanup.block)
app.command("unblock")(room_cleanup.unblock)
app.command("purge")(room_cleanup.purge)
app.command("purge-history")(room_cleanup.purge_history)
app.command("export")(room_cleanup.export)
