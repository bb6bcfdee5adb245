"""Human tables (rich) and JSON (for scripts) from the same rows."""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

console = Console(width=None if sys.stdout.isatty() else 160)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=True))


def print_result(json_output: bool, result: dict[str, Any], message: str) -> None:
    """A finished change: `result` as JSON for scripts (--json), else one line for people."""
    if json_output:
        print_json(result)
    else:
        typer.echo(message)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], *,
                title: str | None = None, keep_whole: Sequence[str] = ()) -> None:
    """A table; long cells wrap, except in `keep_whole` columns (IDs to copy and paste)."""
    if not rows:
        typer.echo(f"no {title or 'rows'}")
        return
    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        if column in keep_whole:
            widest = max(len(_cell(row.get(column))) for row in rows)
            table.add_column(column, no_wrap=True, min_width=max(widest, len(column)))
        else:
            table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row.get(column)) for column in columns))
    console.print(table)


def print_fields(fields: dict[str, Any]) -> None:
    """A record as `key: value` lines."""
    width = max(len(key) for key in fields)
    for key, value in fields.items():
        typer.echo(f"{key.ljust(width)}  {_cell(value)}")


def format_ts(ts_ms: int | None) -> str:
    if ts_ms is None:
        return "-"
    moment = datetime.datetime.fromtimestamp(ts_ms / 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def human_size(size: int) -> str:
    """Bytes as B, KiB, MiB or GiB."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
