"""Read receipts and read markers (spec: modules "Receipts" and "Read and unread markers",
receipts.yaml, read_markers.yaml).

`m.read` and `m.read.private` receipts are kept per (room, type, user, thread) with a
stream position; `m.read.private` is only ever shown to its owner. `m.fully_read` (the
read marker) is room account data set by the server. Both only move forward: a receipt
or marker for an event older than the current one is ignored.
"""

from __future__ import annotations

from typing import Any

import orjson

from closedserver.clock import now_ms
from closedserver.errors import InvalidParam, NotFound
from closedserver.services.account_data import AccountData
from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.notifier import Notifier
from closedserver.services.rooms.access import RoomAccess
from closedserver.storage.database import Database
from closedserver.storage.receipts import PRIVATE, UNTHREADED, ReceiptsStore

READ = "m.read"
READ_PRIVATE = PRIVATE
FULLY_READ = "m.fully_read"
RECEIPT_TYPES = (READ, READ_PRIVATE)


class Receipts:
    def __init__(self, db: Database, events: EventCache, access: RoomAccess,
                 account_data: AccountData, notifier: Notifier) -> None:
        self.db = db
        self.events = events
        self.access = access
        self.account_data = account_data
        self.notifier = notifier
        self.store = ReceiptsStore(db)

    def post_receipt(self, user_id: str, room_id: str, receipt_type: str, event_id: str,
                     thread_id: Any = None) -> None:
        """POST /rooms/{roomId}/receipt/{receiptType}/{eventId}."""
        if receipt_type not in (*RECEIPT_TYPES, FULLY_READ):
            raise InvalidParam(f"Unknown receipt type {receipt_type!r}")
        if thread_id is not None:
            if not isinstance(thread_id, str) or not thread_id:
                raise InvalidParam("thread_id field must be a non-empty string")
            if receipt_type == FULLY_READ:
                raise InvalidParam("m.fully_read cannot have a thread_id")
        self.access.require_joined(room_id, user_id)
        stored = self._event_in_room(room_id, event_id)
        if receipt_type == FULLY_READ:
            self._move_fully_read(user_id, room_id, stored)
        else:
            self._move_receipt(user_id, room_id, receipt_type, stored, thread_id)

    def set_read_markers(self, user_id: str, room_id: str,
                         markers: dict[str, str | None]) -> None:
        """POST /rooms/{roomId}/read_markers: `m.fully_read`, `m.read`, `m.read.private`."""
        self.access.require_joined(room_id, user_id)
        chosen = {kind: self._event_in_room(room_id, event_id)
                  for kind, event_id in markers.items() if event_id is not None}
        with self.db.transaction():
            for kind, stored in chosen.items():
                if kind == FULLY_READ:
                    self._move_fully_read(user_id, room_id, stored)
                else:
                    self._move_receipt(user_id, room_id, kind, stored, None)

    def latest_read_receipt(self, user_id: str, room_id: str,
                            thread_id: str | None = None) -> tuple[str, int] | None:
        """(event_id, stream_ordering) of the user's most advanced read receipt, public or
        private, in one thread: `None` for unthreaded receipts, `"main"` or a thread root's
        event ID for threaded ones. (Notification counts reset where this passes.)"""
        row = self.store.get_latest_read(user_id, room_id, RECEIPT_TYPES,
                                         thread_id or UNTHREADED)
        return (row.event_id, row.event_stream_ordering) if row else None

    def _event_in_room(self, room_id: str, event_id: str) -> StoredEvent:
        stored = self.events.get(event_id)
        if stored is None or stored.room_id != room_id:
            raise NotFound(f"Event {event_id} not found in room {room_id}")
        return stored

    def _move_receipt(self, user_id: str, room_id: str, receipt_type: str,
                      stored: StoredEvent, thread_id: str | None) -> None:
        thread = thread_id or UNTHREADED
        with self.db.transaction():
            current = self.store.get_receipt(room_id, receipt_type, user_id, thread)
            if current is not None and current.event_stream_ordering >= stored.stream_ordering:
                return
            self.store.upsert_receipt(room_id, receipt_type, user_id, thread, stored.event_id,
                                      stored.stream_ordering, now_ms())
        if receipt_type == READ_PRIVATE:
            self.notifier.notify_users([user_id])
        else:
            self.notifier.notify_users(self.access.state.store.list_joined_user_ids(room_id))

    def _move_fully_read(self, user_id: str, room_id: str, stored: StoredEvent) -> None:
        current = self.account_data.store.get_account_data(user_id, room_id, FULLY_READ)
        if current is not None:
            marker = self.events.get(_marker_event_id(current))
            if marker is not None and marker.stream_ordering >= stored.stream_ordering:
                return
        self.account_data.put_internal(user_id, FULLY_READ, {"event_id": stored.event_id},
                                       room_id)


def _marker_event_id(content_json: str) -> str:
    event_id = orjson.loads(content_json).get("event_id")
    return event_id if isinstance(event_id, str) else ""
