"""What every command shares: the data dir option, opening the homeserver, error output."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from closedserver.config import ConfigError, load_config
from closedserver.errors import MatrixError
from closedserver.homeserver import HomeServer, build_homeserver

T = TypeVar("T")

DEFAULT_DATA_DIR = Path("data")

DataDir = Annotated[Path, typer.Option(
    "--data-dir", envvar="CLOSEDSERVER_DATA_DIR",
    help="The server's data dir (config, signing key, database).")]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit 1."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@contextmanager
def open_homeserver(data_dir: Path) -> Iterator[HomeServer]:
    """The same HomeServer the server builds, on the same database; errors become one line."""
    try:
        config = load_config(data_dir)
    except ConfigError as exc:
        fail(str(exc))
    hs = build_homeserver(config)
    try:
        yield hs
    except MatrixError as exc:
        fail(f"{exc.errcode}: {exc.message}")
    finally:
        hs.close()


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


def confirm(question: str, yes: bool) -> None:
    """Ask before a destructive action unless --yes; abort (exit 1) on no."""
    if yes:
        return
    if not sys.stdin.isatty():
        fail(f"{question} Refusing without --yes when not run interactively.")
    if not typer.confirm(question, default=False):
        typer.echo("aborted", err=True)
        raise typer.Exit(1)
