"""Listing the published room directory (spec: list_public_rooms.yaml, `GET/POST
/publicRooms`, "Published room directory").

Rooms are ordered by joined members (most first), then room ID: a stable order, so the
tokens can name a position in it. `n<count>_<room_id>` continues after that room,
`p<count>_<room_id>` goes back to the page before it. The search term matches the name,
topic and canonical alias case-insensitively; `room_types` may include None for rooms
without a type.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from closedserver.errors import BadJson, InvalidParam
from closedserver.services.rooms.summaries import RoomSummaries, chunk_of

MAX_LIMIT = 1000
_UNSET = object()


@dataclass(frozen=True)
class PublicRoomsQuery:
    limit: int | None = None
    since: str | None = None
    search_term: str | None = None
    room_types: Sequence[str | None] | object = _UNSET


class PublicRooms:
    def __init__(self, summaries: RoomSummaries, server_name: str) -> None:
        self.summaries = summaries
        self.server_name = server_name

    def list_rooms(self, query: PublicRoomsQuery, *, server: str | None = None
                   ) -> dict[str, Any]:
        if server is not None and server != self.server_name:
            # No federation: other servers' directories are not reachable from here.
            return {"chunk": [], "total_room_count_estimate": 0}
        if query.limit is not None and query.limit < 0:
            raise InvalidParam("limit must not be negative")
        limit = min(query.limit, MAX_LIMIT) if query.limit is not None else MAX_LIMIT
        published = self.summaries.store.list_published_room_ids()
        rooms = [chunk_of(s) for s in self.summaries.summaries(published).values()
                 if _matches(s, query)]
        rooms.sort(key=_order_key)
        keys = [_order_key(r) for r in rooms]
        start, end = _page_bounds(keys, query.since, limit)
        page = rooms[start:end]
        body: dict[str, Any] = {"chunk": page, "total_room_count_estimate": len(rooms)}
        if page and end < len(rooms):
            body["next_batch"] = "n" + _token_key(page[-1])
        if page and start > 0:
            body["prev_batch"] = "p" + _token_key(page[0])
        return body


def check_room_types(value: Any) -> Sequence[str | None] | object:
    if value is None:
        return _UNSET
    if not isinstance(value, list) or not all(v is None or isinstance(v, str) for v in value):
        raise BadJson("filter.room_types must be a list of strings or nulls")
    return value


def _matches(summary: dict[str, Any], query: PublicRoomsQuery) -> bool:
    if query.room_types is not _UNSET and summary.get("room_type") not in query.room_types:
        return False
    term = (query.search_term or "").strip().casefold()
    if not term:
        return True
    haystack = " ".join(str(summary.get(k, "")) for k in ("name", "topic", "canonical_alias"))
    return term in haystack.casefold()


def _order_key(room: dict[str, Any]) -> tuple[int, str]:
    return (-room["num_joined_members"], room["room_id"])


def _token_key(room: dict[str, Any]) -> str:
    return f"{room['num_joined_members']}_{room['room_id']}"


def _page_bounds(keys: list[tuple[int, str]], since: str | None,
                 limit: int) -> tuple[int, int]:
    if since is None:
        return 0, min(limit, len(keys))
    direction, key = _parse_token(since)
    if direction == "n":
        start = bisect.bisect_right(keys, key)
        return start, min(start + limit, len(keys))
    end = bisect.bisect_left(keys, key)
    return max(0, end - limit), end


def _parse_token(token: str) -> tuple[str, tuple[int, str]]:
    count, sep, room_id = token[1:].partition("_")
    if token[:1] not in ("n", "p") or not sep or not count.isdigit() or not room_id:
        raise InvalidParam("Unknown pagination token")
    return token[0], (-int(count), room_id)
