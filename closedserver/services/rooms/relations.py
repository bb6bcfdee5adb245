"""The child events of a parent event (spec: relations.yaml, "Relationships API").

The parent must be visible to the requester (else 404); children are filtered by history
visibility too. With `recurse`, children of children are followed up to RECURSION_DEPTH
levels, only through events that match the rel_type / event_type filters (spec: "Events
that would match the filter, but whose only relation to the original given event is through
a non-matching intermediate event, will not be included").

Tokens are the stream tokens of /messages (`sN` sits just after stream position N): going
backwards from `sN` starts at N, forwards starts after N; `to` bounds the walk the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from closedserver.services.event_cache import StoredEvent
from closedserver.services.rooms.reading import RoomReader
from closedserver.services.sessions import Requester
from closedserver.services.stream_tokens import make_token, parse_stream_token
from closedserver.storage.relations import RelationsStore

RECURSION_DEPTH = 3
DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
_BATCH = 100


@dataclass(frozen=True)
class RelationsQuery:
    rel_type: str | None = None
    event_type: str | None = None
    from_token: str | None = None
    to_token: str | None = None
    limit: int = DEFAULT_LIMIT
    backwards: bool = True
    recurse: bool | None = None


class Relations:
    def __init__(self, reader: RoomReader, store: RelationsStore) -> None:
        self.reader = reader
        self.store = store
        self.events = reader.events

    def children(self, requester: Requester, room_id: str, event_id: str,
                 query: RelationsQuery) -> dict[str, Any]:
        self.reader.visible_event(requester.user_id, room_id, event_id)
        depth = RECURSION_DEPTH if query.recurse else 1
        candidates = self._descendants(room_id, event_id, query, depth)
        in_range = _in_range(candidates, query)
        found, more = self.reader.visibility.take_visible(
            requester.user_id, self._batches(in_range), max(0, min(query.limit, MAX_LIMIT)))
        body: dict[str, Any] = {"chunk": self.reader.serializer.serialize(
            found, user_id=requester.user_id, device_id=requester.device_id)}
        if more and found:
            last = found[-1].stream_ordering
            body["next_batch"] = make_token(last - 1 if query.backwards else last)
        if query.from_token is not None:
            body["prev_batch"] = query.from_token
        if query.recurse is not None:
            body["recursion_depth"] = depth
        return body

    def _descendants(self, room_id: str, root_id: str, query: RelationsQuery,
                     depth: int) -> list[tuple[int, str]]:
        """(stream_ordering, event_id) of matching descendants, oldest first."""
        found: dict[str, int] = {}
        frontier = [root_id]
        for _ in range(depth):
            rows = self.store.list_child_ids(room_id, frontier, rel_type=query.rel_type,
                                             event_type=query.event_type)
            frontier = []
            for child_id, stream in rows:
                if child_id != root_id and child_id not in found:
                    found[child_id] = stream
                    frontier.append(child_id)
            if not frontier:
                break
        return sorted((stream, child_id) for child_id, stream in found.items())

    def _batches(self, candidates: list[tuple[int, str]]) -> Iterator[list[StoredEvent]]:
        """The candidates' events, loaded _BATCH at a time, in candidate order."""
        for start in range(0, len(candidates), _BATCH):
            batch_ids = [event_id for _, event_id in candidates[start:start + _BATCH]]
            loaded = self.events.get_many(batch_ids)
            yield [loaded[e] for e in batch_ids if e in loaded]


def _in_range(candidates: list[tuple[int, str]], query: RelationsQuery) -> list[tuple[int, str]]:
    """Candidates inside the from/to window, in the order of the walk."""
    start = parse_stream_token(query.from_token) if query.from_token is not None else None
    bound = parse_stream_token(query.to_token) if query.to_token is not None else None
    if query.backwards:
        return [c for c in reversed(candidates)
                if (start is None or c[0] <= start) and (bound is None or c[0] > bound)]
    return [c for c in candidates
            if (start is None or c[0] > start) and (bound is None or c[0] <= bound)]
