"""Listing a room's threads (spec: threads_list.yaml, `GET /rooms/{roomId}/threads`,
module threading.md).

Thread roots come most recently active first (by their latest `m.thread` reply), each with
its bundled aggregations (the `m.thread` summary). `include=participated` keeps threads the
requester started or replied to. Roots the requester may not see are left out. Users who
never were in the room read only world-readable rooms; banned users and unknown rooms get
403, as the spec lists. `from=sN` continues with threads last active at or before N.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from closedserver.errors import Forbidden, InvalidParam
from closedserver.services.event_cache import StoredEvent
from closedserver.services.rooms.reading import RoomReader
from closedserver.services.sessions import Requester
from closedserver.services.stream_tokens import make_token, parse_stream_token
from closedserver.storage.relations import RelationsStore, ThreadRootRow

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_BATCH = 50
_END = 1 << 62


class Threads:
    def __init__(self, reader: RoomReader, store: RelationsStore) -> None:
        self.reader = reader
        self.store = store
        self.access = reader.access
        self.events = reader.events

    def list_threads(self, requester: Requester, room_id: str, *, include: str,
                     from_token: str | None, limit: int) -> dict[str, Any]:
        if include not in ("all", "participated"):
            raise InvalidParam("include must be 'all' or 'participated'")
        if limit < 1:
            raise InvalidParam("limit must be greater than zero")
        before = parse_stream_token(from_token) + 1 if from_token is not None else _END
        user_id = requester.user_id
        self._require_view(user_id, room_id)
        rows: dict[str, ThreadRootRow] = {}

        def keep(root: StoredEvent) -> bool:
            return include == "all" or root.event.sender == user_id \
                or rows[root.event_id].user_replied

        roots, more = self.reader.visibility.take_visible(
            user_id, self._root_batches(room_id, user_id, before, rows), min(limit, MAX_LIMIT),
            keep)
        body: dict[str, Any] = {"chunk": self.reader.serializer.serialize(
            roots, user_id=user_id, device_id=requester.device_id)}
        if more and roots:
            body["next_batch"] = make_token(rows[roots[-1].event_id].latest_stream_ordering - 1)
        return body

    def _root_batches(self, room_id: str, user_id: str, before: int,
                      rows: dict[str, ThreadRootRow]) -> Iterator[list[StoredEvent]]:
        """The room's thread roots last active before `before`, most recently active first,
        _BATCH at a time; each root's row is put in `rows`."""
        while True:
            batch = self.store.list_thread_roots(room_id, user_id, before=before, limit=_BATCH)
            rows.update((row.root_id, row) for row in batch)
            loaded = self.events.get_many(row.root_id for row in batch)
            yield [loaded[row.root_id] for row in batch
                   if row.root_id in loaded and loaded[row.root_id].room_id == room_id]
            if len(batch) < _BATCH:
                return
            before = batch[-1].latest_stream_ordering

    def _require_view(self, user_id: str, room_id: str) -> None:
        membership = self.access.membership(room_id, user_id)
        if membership in ("join", "invite", "knock", "leave"):
            return
        if membership != "ban" and self.access.rooms.get_room(room_id) is not None \
                and self.access.world_readable(room_id):
            return
        raise Forbidden("You are not allowed to view this room")
