"""Space hierarchies and room summaries (spec: space_hierarchy.yaml, module spaces.md;
room_summary.yaml).

`/hierarchy` walks the space tree depth-first from the requested room: a room is listed,
then each of its children in the spec's order ("Ordering of children within a space") with
their own subtrees. A child is an `m.space.child` state event with a non-empty `via`; only
rooms of type `m.space` have children. Rooms this server does not know (no federation) and
rooms the requester may not preview are skipped, with their subtrees; each room is listed
once, which also breaks loops. Pages are offsets into the walk; the token remembers
`max_depth` and `suggested_only`, which may not change while paginating (400).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from closedserver.errors import Forbidden, InvalidParam, NotFound
from closedserver.services.event_cache import StoredEvent
from closedserver.services.rooms.membership import Membership
from closedserver.services.rooms.summaries import RoomSummaries

SPACE = "m.space"
SPACE_CHILD = "m.space.child"
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
DEFAULT_MAX_DEPTH = 10
MAX_DEPTH = 50
_ORDER = re.compile(r"^[\x20-\x7E]{1,50}$")
_TOKEN = re.compile(r"^h(\d{1,9})\.(\d{1,9})\.([01])$")


@dataclass(frozen=True)
class HierarchyQuery:
    suggested_only: bool = False
    limit: int = DEFAULT_LIMIT
    max_depth: int = DEFAULT_MAX_DEPTH
    from_token: str | None = None


class SpaceHierarchy:
    def __init__(self, summaries: RoomSummaries, membership: Membership) -> None:
        self.summaries = summaries
        self.membership = membership
        self.events = summaries.events
        self.store = summaries.store

    def hierarchy(self, user_id: str, room_id: str, query: HierarchyQuery) -> dict[str, Any]:
        if query.limit < 1 or query.max_depth < 0:
            raise InvalidParam("limit must be positive and max_depth not negative")
        max_depth = min(query.max_depth, MAX_DEPTH)
        offset = self._offset(query, max_depth)
        root = self.summaries.summary(room_id)
        if root is None or not self.summaries.may_preview(user_id, room_id, root):
            raise Forbidden("You are not allowed to view this room")
        limit = min(query.limit, MAX_LIMIT)
        rooms: list[dict[str, Any]] = []
        more = False
        for index, chunk in enumerate(self._walk(user_id, room_id, root, query, max_depth)):
            if index < offset:
                continue
            if len(rooms) == limit:
                more = True
                break
            rooms.append(chunk)
        body: dict[str, Any] = {"rooms": rooms}
        if more:
            body["next_batch"] = f"h{offset + limit}.{max_depth}.{int(query.suggested_only)}"
        return body

    def _offset(self, query: HierarchyQuery, max_depth: int) -> int:
        if query.from_token is None:
            return 0
        match = _TOKEN.match(query.from_token)
        if match is None:
            raise InvalidParam("Unknown pagination token")
        if int(match.group(2)) != max_depth or match.group(3) != str(int(query.suggested_only)):
            raise InvalidParam("suggested_only and max_depth cannot change on paginated "
                               "requests")
        return int(match.group(1))

    def _walk(self, user_id: str, room_id: str, root: dict[str, Any], query: HierarchyQuery,
              max_depth: int) -> Iterator[dict[str, Any]]:
        seen = {room_id}
        stack: list[tuple[str, dict[str, Any], int]] = [(room_id, root, 0)]
        while stack:
            current_id, summary, depth = stack.pop()
            children = self._children(current_id) if summary.get("room_type") == SPACE else []
            yield {**summary, "children_state": [_stripped(c) for c in children]}
            if depth >= max_depth:
                continue
            wanted = [c.event.state_key or "" for c in children
                      if not query.suggested_only or c.event.content.get("suggested") is True]
            wanted = [c for c in wanted if c not in seen]
            found = self.summaries.summaries(wanted)
            pushed = []
            for child_id in wanted:
                child = found.get(child_id)
                if child is not None and child_id not in seen \
                        and self.summaries.may_preview(user_id, child_id, child):
                    seen.add(child_id)
                    pushed.append((child_id, child, depth + 1))
            stack.extend(reversed(pushed))

    def _children(self, room_id: str) -> list[StoredEvent]:
        """The room's valid m.space.child events, in the spec's order."""
        ids = self.store.list_state_ids_of_type(room_id, SPACE_CHILD)
        loaded = self.events.get_many(ids.values())
        children = [s for s in loaded.values() if _has_via(s.event.content)]
        return sorted(children, key=_child_order)

    def summary(self, user_id: str | None, room_id_or_alias: str) -> dict[str, Any]:
        """GET /room_summary: the summary plus the requester's membership, if any."""
        try:
            room_id = self.membership.resolve_room(room_id_or_alias)
        except NotFound:
            raise NotFound("Room not found") from None
        summary = self.summaries.summary(room_id)
        if summary is None or not self.summaries.may_preview(user_id, room_id, summary):
            raise NotFound("Room not found, or you may not preview it")
        membership = self.summaries.access.membership(room_id, user_id) if user_id else None
        return {**summary, **({"membership": membership} if membership else {})}


def _has_via(content: Any) -> bool:
    via = content.get("via")
    return isinstance(via, list) and bool(via) and all(isinstance(v, str) for v in via)


def _child_order(child: StoredEvent) -> tuple[int, str, int, str]:
    order = child.event.content.get("order")
    valid = isinstance(order, str) and _ORDER.match(order) is not None
    return (0 if valid else 1, order if valid else "", child.event.origin_server_ts,
            child.event.state_key or "")


def _stripped(child: StoredEvent) -> dict[str, Any]:
    event = child.event
    return {"type": event.type, "state_key": event.state_key, "content": dict(event.content),
            "sender": event.sender, "origin_server_ts": event.origin_server_ts}
