"""Listing a room's threads (spec: threads_list.yaml, `GET /rooms/{roomId}/threads`,
module threading.md).

Thread roots come most recently active first (by their latest `m.thread` reply), each with
its bundled aggregations (the `m.thread` summary). `include=participated` keeps threads the
requester started or replied to. Roots the requester may not see are left out. Users who
never were in the room read only world-readable rooms; banned users and unknown rooms get
403, as the spec lists. `from=sN` continues with threads last active at or before N.
"""

from __future__ import annotations

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
        self._require_view(requester.user_id, room_id)
        roots, more = self._collect(requester.user_id, room_id, include == "participated",
                                    before, min(limit, MAX_LIMIT))
        body: dict[str, Any] = {"chunk": self.reader.serializer.serialize(
            [stored for stored, _ in roots], user_id=requester.user_id,
            device_id=requester.device_id)}
        if more and roots:
            body["next_batch"] = make_token(roots[-1][1] - 1)
        return body

    def _collect(self, user_id: str, room_id: str, participated_only: bool, before: int,
                 limit: int) -> tuple[list[tuple[StoredEvent, int]], bool]:
        """Up to `limit` visible roots with their latest reply position; whether more
        may follow."""
        found: list[tuple[StoredEvent, int]] = []
        while True:
            rows = self.store.list_thread_roots(room_id, user_id, before=before, limit=_BATCH)
            for row, stored in self._visible_roots(user_id, room_id, rows):
                if participated_only and not (row.user_replied
                                              or stored.event.sender == user_id):
                    continue
                if len(found) == limit:
                    return found, True
                found.append((stored, row.latest_stream_ordering))
            if len(rows) < _BATCH:
                return found, False
            before = rows[-1].latest_stream_ordering

    def _visible_roots(self, user_id: str, room_id: str, rows: list[ThreadRootRow]
                       ) -> list[tuple[ThreadRootRow, StoredEvent]]:
        loaded = self.events.get_many(row.root_id for row in rows)
        roots = [loaded[r.root_id] for r in rows
                 if r.root_id in loaded and loaded[r.root_id].room_id == room_id]
        visible, _ = self.reader.visibility.filter_events(user_id, roots)
        visible_ids = {stored.event_id for stored in visible}
        return [(row, loaded[row.root_id]) for row in rows if row.root_id in visible_ids]

    def _require_view(self, user_id: str, room_id: str) -> None:
        membership = self.access.membership(room_id, user_id)
        if membership in ("join", "invite", "knock", "leave"):
            return
        if membership != "ban" and self.access.rooms.get_room(room_id) is not None \
                and self.access.world_readable(room_id):
            return
        raise Forbidden("You are not allowed to view this room")
