"""Progress bars for long admin work, drawn on stderr so that stdout stays clean for --json
(and hidden when stderr is not a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)


class Bars:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def counter(self, label: str, total: int | None) -> Callable[[int], None]:
        """A bar advanced by `n` at each call."""
        task = self.progress.add_task(label, total=total)
        return lambda n: self.progress.advance(task, n)

    def ratio(self, label: str) -> Callable[[int, int], None]:
        """A bar told `(done, total)` at each call."""
        task = self.progress.add_task(label, total=None)
        return lambda done, total: self.progress.update(task, completed=done, total=total)


@contextmanager
def progress_bars() -> Iterator[Bars]:
    console = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=console,
                  disable=not sys.stderr.isatty()) as progress:
        yield Bars(progress)
