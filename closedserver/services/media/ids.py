"""Media IDs and `mxc://` URIs (spec: "Matrix Content (mxc://) URIs", security considerations).

A media ID is only `A-Za-z0-9`, `_` and `-`: an allow-list, so no percent-encoding or
Unicode trick can turn it into a path outside the media directory.
"""

from __future__ import annotations

import re

from closedserver.randomness import random_string

MEDIA_ID_LENGTH = 24
_MEDIA_ID = re.compile(r"[A-Za-z0-9_\-]{1,255}")
_MXC = re.compile(r"mxc://([^/]+)/([^/]+)")


def is_valid_media_id(media_id: str) -> bool:
    return _MEDIA_ID.fullmatch(media_id) is not None


def new_media_id() -> str:
    return random_string(MEDIA_ID_LENGTH)


def mxc_uri(server_name: str, media_id: str) -> str:
    return f"mxc://{server_name}/{media_id}"


def parse_mxc(text: str) -> tuple[str, str] | None:
    """(server_name, media_id) of an `mxc://` URI, or None when it is not one."""
    match = _MXC.fullmatch(text.strip())
    if not match or not is_valid_media_id(match.group(2)):
        return None
    return match.group(1), match.group(2)
