"""Sync-stream tokens: one server-wide stream position written as `s<position>`.

Every change /sync delivers takes its position from the one counter in
storage/database.py (`next_stream_position`), so a token is that number with an `s` in
front (spec: tokens are opaque strings, e.g. `next_batch`, `/keys/changes` `from`/`to`).
The sync layer may append more parts after an underscore (`s<position>_<more>`);
`parse_stream_token` keeps reading the position from such tokens.
"""

from __future__ import annotations

import re

from closedserver.errors import InvalidParam

_TOKEN = re.compile(r"s(\d{1,18})(?:_[A-Za-z0-9_.-]*)?")


def make_token(position: int) -> str:
    return f"s{position}"


def parse_stream_token(text: str) -> int:
    """The stream position of a token, or 400 M_INVALID_PARAM for anything else."""
    match = _TOKEN.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidParam(f"Not a valid stream token: {text!r}")
    return int(match.group(1))
