"""Loading stored events as matrix.Event objects, through an in-memory LRU cache.

Events are immutable except when redacted, which replaces their stored JSON; the redaction
path invalidates the entry. Another process's commit (the admin CLI) clears the cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import orjson

from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from closedserver.storage.database import Database
from closedserver.storage.events import EventRow, EventsStore
from closedserver.storage.rooms import RoomsStore

CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event plus what the server knows about it beyond the PDU."""

    event: Event
    stream_ordering: int
    state_group: int
    replaces_state: str | None
    redacted_by: str | None

    @property
    def event_id(self) -> str:
        return self.event.event_id

    @property
    def room_id(self) -> str:
        return self.event.room_id


class EventCache:
    def __init__(self, db: Database) -> None:
        self.store = EventsStore(db)
        self.rooms = RoomsStore(db)
        self._events: OrderedDict[str, StoredEvent] = OrderedDict()
        self._room_versions: dict[str, RoomVersion] = {}

    def room_version(self, room_id: str) -> RoomVersion | None:
        version = self._room_versions.get(room_id)
        if version is None:
            room = self.rooms.get_room(room_id)
            if room is None:
                return None
            version = KNOWN_ROOM_VERSIONS[room.room_version]
            self._room_versions[room_id] = version
        return version

    def get(self, event_id: str) -> StoredEvent | None:
        stored = self._events.get(event_id)
        if stored is not None:
            self._events.move_to_end(event_id)
            return stored
        row = self.store.get_event(event_id)
        return self.from_row(row) if row is not None else None

    def get_many(self, event_ids: Iterable[str]) -> dict[str, StoredEvent]:
        found: dict[str, StoredEvent] = {}
        missing = []
        for event_id in event_ids:
            stored = self._events.get(event_id)
            if stored is None:
                missing.append(event_id)
            else:
                self._events.move_to_end(event_id)
                found[event_id] = stored
        if missing:
            for event_id, row in self.store.get_events(missing).items():
                found[event_id] = self.from_row(row)
        return found

    def from_row(self, row: EventRow) -> StoredEvent:
        """Wrap a row read by some other query, caching it."""
        cached = self._events.get(row.event_id)
        if cached is not None and cached.redacted_by == row.redacted_by:
            return cached
        version = self.room_version(row.room_id)
        if version is None:
            raise LookupError(f"event {row.event_id} of unknown room {row.room_id}")
        event = Event(orjson.loads(row.json), version, row.event_id, canonical_json=row.json)
        stored = StoredEvent(event, row.stream_ordering, row.state_group, row.replaces_state,
                             row.redacted_by)
        self.put(stored)
        return stored

    def put(self, stored: StoredEvent) -> None:
        self._events[stored.event_id] = stored
        if len(self._events) > CACHE_SIZE:
            self._events.popitem(last=False)

    def invalidate(self, event_id: str) -> None:
        self._events.pop(event_id, None)

    def clear(self) -> None:
        self._events.clear()
        self._room_versions.clear()

    def forget_room(self, room_id: str) -> None:
        self._room_versions.pop(room_id, None)
        for event_id in [e for e, s in self._events.items() if s.room_id == room_id]:
            del self._events[event_id]
