"""`closedserver user ...`: create, list, inspect and control accounts."""

from __future__ import annotations

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
    run_async,
)
from cli.output import format_ts, print_fields, print_json, print_table
from closedserver.storage.accounts import Device, User

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)

UserArg = Annotated[str, typer.Argument(help="alice or @alice:server", metavar="USER")]
PasswordOpt = Annotated[str | None, typer.Option("--password", help="The password (visible "
                                                 "in your shell history; prefer the prompt).")]
PasswordFileOpt = Annotated[Path | None, typer.Option(
    "--password-file", help="Read the password from the first line of this file.",
    exists=True, dir_okay=False, readable=True)]


def read_password(password: str | None, password_file: Path | None) -> str:
    if password is not None and password_file is not None:
        fail("give --password or --password-file, not both")
    if password is not None:
        return password
    if password_file is not None:
        lines = password_file.read_text().splitlines()
        if not lines or not lines[0]:
            fail(f"{password_file} is empty")
        return lines[0]
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def user_json(user: User) -> dict[str, object]:
    return {"user_id": user.user_id, "admin": user.is_admin, "deactivated": user.deactivated,
            "locked": user.locked, "suspended": user.suspended,
            "displayname": user.displayname, "created_ts": user.created_ts}


def device_json(device: Device) -> dict[str, object]:
    return {"device_id": device.device_id, "display_name": device.display_name,
            "last_seen_ts": device.last_seen_ts, "last_seen_ip": device.last_seen_ip,
            "created_ts": device.created_ts}


@app.command("create")
def create(localpart: Annotated[str, typer.Argument(help="The new user's name, e.g. alice")],
           password: PasswordOpt = None, password_file: PasswordFileOpt = None,
           admin: Annotated[bool, typer.Option("--admin", help="Make the user a server "
                                               "admin.")] = False,
           displayname: Annotated[str | None, typer.Option(help="Display name.")] = None,
           data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Create a user; asks for the password unless given.

    Example: closedserver user create alice --admin
    """
    with open_homeserver(data_dir) as hs:
        localpart = localpart.removeprefix("@").split(":", 1)[0]
        if not hs.accounts.is_available(localpart):
            fail(f"M_USER_IN_USE: {hs.accounts.user_id_for(localpart)} already exists")
        secret = read_password(password, password_file)
        user = run_async(hs.accounts.create_user(localpart, secret, admin=admin,
                                                 displayname=displayname))
        if json:
            print_json(user_json(user))
        else:
            typer.echo(f"created {user.user_id}{' (admin)' if admin else ''}")


@app.command("list")
def list_users(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """List every user.

    Example: closedserver user list --json
    """
    with open_homeserver(data_dir) as hs:
        users = [user_json(u) for u in hs.accounts.store.list_users()]
    if json:
        print_json(users)
        return
    for row in users:
        row["created"] = format_ts(row["created_ts"])  # type: ignore[arg-type]
    print_table(users, ["user_id", "displayname", "admin", "locked", "suspended",
                        "deactivated", "created"], title="users")


@app.command("show")
def show(user: UserArg, data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Show one user and their devices.

    Example: closedserver user show alice
    """
    with open_homeserver(data_dir) as hs:
        found = hs.accounts.find_user(user)
        devices = hs.accounts.list_devices(found.user_id)
    record = {**user_json(found), "avatar_url": found.avatar_url, "devices": len(devices)}
    if json:
        print_json(record)
        return
    record["created_ts"] = format_ts(found.created_ts)
    print_fields(record)


@app.command("set-admin")
def set_admin(user: UserArg,
              state: Annotated[str, typer.Argument(help="on or off", metavar="on|off")],
              data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Grant or remove server admin rights.

    Example: closedserver user set-admin bob on
    """
    if state not in ("on", "off"):
        fail("the state must be 'on' or 'off'")
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id
        hs.accounts.set_admin(user_id, state == "on")
    typer.echo(f"{user_id} is {'now' if state == 'on' else 'no longer'} an admin")


@app.command("reset-password")
def reset_password(user: UserArg, password: PasswordOpt = None,
                   password_file: PasswordFileOpt = None,
                   keep_sessions: Annotated[bool, typer.Option(
                       "--keep-sessions", help="Do not log out the user's devices.")] = False,
                   data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Set a new password; logs out every device unless --keep-sessions.

    Example: closedserver user reset-password alice --password-file pw.txt
    """
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id
        secret = read_password(password, password_file)
        run_async(hs.accounts.set_password(user_id, secret, logout_devices=not keep_sessions))
    suffix = "" if keep_sessions else "; every device was logged out"
    typer.echo(f"password of {user_id} changed{suffix}")


@app.command("deactivate")
def deactivate(user: UserArg,
               erase: Annotated[bool, typer.Option(help="Also erase the user's account "
                                                   "data.")] = False,
               yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Permanently deactivate a user: logged out everywhere, profile erased. Cannot be undone.

    Example: closedserver user deactivate mallory --yes
    """
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id
        confirm(f"Deactivate {user_id} for good?", yes)
        hs.deactivation.deactivate(user_id, erase=erase)
    typer.echo(f"deactivated {user_id}")


@app.command("lock")
def lock(user: UserArg, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Lock a user: every request fails with M_USER_LOCKED until unlocked.

    Example: closedserver user lock bob
    """
    _set_flag(data_dir, user, "set_locked", True, "locked")


@app.command("unlock")
def unlock(user: UserArg, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Unlock a locked user.

    Example: closedserver user unlock bob
    """
    _set_flag(data_dir, user, "set_locked", False, "unlocked")


@app.command("suspend")
def suspend(user: UserArg, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Suspend a user: they can read and leave rooms but not join, send or change profile.

    Example: closedserver user suspend mallory
    """
    _set_flag(data_dir, user, "set_suspended", True, "suspended")


@app.command("unsuspend")
def unsuspend(user: UserArg, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Lift a suspension.

    Example: closedserver user unsuspend mallory
    """
    _set_flag(data_dir, user, "set_suspended", False, "unsuspended")


def _set_flag(data_dir: Path, user: str, setter: str, value: bool, verb: str) -> None:
    """Lock, unlock, suspend or unsuspend through the accounts service."""
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id
        getattr(hs.accounts, setter)(user_id, value)
    typer.echo(f"{verb} {user_id}")


@app.command("devices")
def devices(user: UserArg, data_dir: DataDir = DEFAULT_DATA_DIR,
            json: JsonOutput = False) -> None:
    """List a user's devices (sessions).

    Example: closedserver user devices alice
    """
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id
        rows = [device_json(d) for d in hs.accounts.list_devices(user_id)]
    if json:
        print_json(rows)
        return
    for row in rows:
        row["last_seen"] = format_ts(row["last_seen_ts"])  # type: ignore[arg-type]
    print_table(rows, ["device_id", "display_name", "last_seen", "last_seen_ip"],
                title=f"devices of {user_id}")


@app.command("logout")
def logout(user: UserArg,
           device: Annotated[str | None, typer.Option(help="Only this device ID.")] = None,
           yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Log a user out of one device, or of every device.

    Example: closedserver user logout alice --device ABCDEFGHIJ
    """
    with open_homeserver(data_dir) as hs:
        user_id = hs.accounts.find_user(user).user_id
        if device is not None:
            hs.accounts.get_device(user_id, device)
            hs.accounts.delete_devices(user_id, [device])
            typer.echo(f"logged out device {device} of {user_id}")
            return
        confirm(f"Log {user_id} out of every device?", yes)
        hs.accounts.logout_all(user_id)
    typer.echo(f"logged out every device of {user_id}")
