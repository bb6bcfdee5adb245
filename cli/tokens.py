"""`closedserver token ...`: registration tokens for `registration.mode = "token"`."""

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
from cli.output import format_ts, print_json, print_table
from closedserver.clock import now_ms
from closedserver.config import parse_duration_ms
from closedserver.storage.registration_tokens import RegistrationToken

app = typer.Typer(help="Manage registration tokens.", no_args_is_help=True)


def token_json(token: RegistrationToken) -> dict[str, object]:
    return {"token": token.token, "uses_allowed": token.uses_allowed,
            "completed": token.completed, "expiry_ts": token.expiry_ts,
            "valid": token.is_valid(now_ms())}


@app.command("create")
def create(uses: Annotated[int | None, typer.Option(help="How many sign-ups it allows "
                                                    "(default: unlimited).", min=1)] = None,
           expires: Annotated[str | None, typer.Option(help="Lifetime such as 12h, 7d, 4w "
                                                       "(default: never).")] = None,
           token: Annotated[str | None, typer.Option(help="Choose the token text "
                                                     "(default: random).")] = None,
           data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Create a registration token.

    Example: closedserver token create --uses 5 --expires 7d
    """
    try:
        expires_ms = parse_duration_ms(expires) if expires else None
    except ValueError as exc:
        fail(f"--expires: {exc}")
    with open_homeserver(data_dir) as hs:
        created = hs.registration_tokens.create(token=token, uses_allowed=uses,
                                                expires_in_ms=expires_ms)
        if hs.registration.mode != "token":
            typer.echo(f"note: registration.mode is {hs.registration.mode!r}; set it to "
                       "'token' for tokens to be accepted", err=True)
    if json:
        print_json(token_json(created))
    else:
        typer.echo(created.token)


@app.command("list")
def list_tokens(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """List registration tokens with their uses and expiry.

    Example: closedserver token list
    """
    with open_homeserver(data_dir) as hs:
        rows = [token_json(t) for t in hs.registration_tokens.list()]
    if json:
        print_json(rows)
        return
    for row in rows:
        row["expires"] = format_ts(row["expiry_ts"])  # type: ignore[arg-type]
        row["uses"] = f"{row['completed']}/{row['uses_allowed'] or 'unlimited'}"
    print_table(rows, ["token", "uses", "expires", "valid"], title="registration tokens")


@app.command("revoke")
def revoke(token: Annotated[str, typer.Argument(help="The token to revoke.")],
           yes: Yes = False, data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """Delete a registration token so nobody can use it any more.

    Example: closedserver token revoke fBVFdqVE --yes
    """
    with open_homeserver(data_dir) as hs:
        confirm(f"Revoke registration token {token}?", yes)
        hs.registration_tokens.revoke(token)
    typer.echo(f"revoked {token}")
