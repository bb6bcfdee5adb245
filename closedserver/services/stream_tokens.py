"""Opaque stream tokens clients pass back: `s<position>[_<typing serial>]`.

One number covers every persisted stream (the server-wide stream position); /messages,
/sync's `next_batch`/`prev_batch`, /keys/changes and /members `at` all use the same tokens,
as the spec expects (a sync `prev_batch` is a valid /messages `from`). Typing is ephemeral
and kept in memory, so its serial rides along as an optional suffix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from closedserver.errors import InvalidParam

_TOKEN = re.compile(r"^s(\d{1,18})(?:_(\d{1,18}))?$")


@dataclass(frozen=True)
class StreamToken:
    position: int
    typing: int = 0

    def __str__(self) -> str:
        return f"s{self.position}_{self.typing}" if self.typing else f"s{self.position}"


def make_token(position: int) -> str:
    return f"s{position}"


def parse_token(text: str) -> StreamToken:
    match = _TOKEN.match(text or "")
    if match is None:
        raise InvalidParam(f"Invalid pagination or sync token {text!r}")
    return StreamToken(int(match.group(1)), int(match.group(2) or 0))


def parse_stream_token(text: str) -> int:
    """The stream position of a token (InvalidParam if it is not one of ours)."""
    return parse_token(text).position
