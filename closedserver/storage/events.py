"""SQL for events: the timeline rows, transaction IDs and redactions (relationships:
storage/relations.py).

An event's row id is its position on the server-wide stream (`stream_ordering`); `json` holds
the PDU's canonical JSON (already redacted once the event is redacted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from closedserver.storage.database import Database, in_chunks


@dataclass(frozen=True, slots=True)
class _CommonEventColumns:
    """The columns an event row has both when written and when read back."""

    stream_ordering: int
    event_id: str
    room_id: str
    type: str
    state_key: str | None
    sender: str
    depth: int
    origin_server_ts: int
    state_group: int
    replaces_state: str | None


@dataclass(frozen=True, slots=True)
class EventRow(_CommonEventColumns):
    """An event as read back: `SELECT {EVENT_COLUMNS}` rows, in field order."""

    redacted_by: str | None
    json: bytes


@dataclass(frozen=True, slots=True)
class NewEventRow(_CommonEventColumns):
    """What the timeline writes for one new event."""

    relates_to: str | None
    rel_type: str | None
    aggregation_key: str | None
    thread_id: str | None
    contains_url: bool
    json: bytes


EVENT_COLUMNS = ", ".join(f.name for f in fields(EventRow))
_NEW_EVENT_FIELDS = tuple(f.name for f in fields(NewEventRow))
_INSERT_EVENT = (f"INSERT INTO events ({', '.join(_NEW_EVENT_FIELDS)}) "
                 f"VALUES ({', '.join('?' * len(_NEW_EVENT_FIELDS))})")


class EventsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def insert_event(self, row: NewEventRow) -> None:
        self.db.conn.execute(_INSERT_EVENT, [getattr(row, name) for name in _NEW_EVENT_FIELDS])

    def get_event(self, event_id: str) -> EventRow | None:
        row = self.db.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ?", (event_id,)).fetchone()
        return EventRow(*row) if row else None

    def get_events(self, event_ids: Iterable[str]) -> dict[str, EventRow]:
        found: dict[str, EventRow] = {}
        for chunk, marks in in_chunks(event_ids):
            for row in self.db.conn.execute(
                    f"SELECT {EVENT_COLUMNS} FROM events WHERE event_id IN ({marks})", chunk):
                found[row[1]] = EventRow(*row)
        return found

    def get_event_at(self, stream_ordering: int) -> EventRow | None:
        row = self.db.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE stream_ordering = ?",
            (stream_ordering,)).fetchone()
        return EventRow(*row) if row else None

    def list_room_events(self, room_id: str, *, after: int, before: int, limit: int,
                         backwards: bool) -> list[EventRow]:
        """Events with after < stream_ordering < before, nearest to the start first."""
        order = "DESC" if backwards else "ASC"
        rows = self.db.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND stream_ordering > ? "
            f"AND stream_ordering < ? ORDER BY stream_ordering {order} LIMIT ?",
            (room_id, after, before, limit))
        return [EventRow(*row) for row in rows]

    def update_redacted(self, event_id: str, redacted_by: str, redacted_json: bytes) -> None:
        self.db.conn.execute(
            "UPDATE events SET redacted_by = ?, json = ? WHERE event_id = ?",
            (redacted_by, redacted_json, event_id))

    # transaction IDs (idempotent sends)

    def get_txn_event_id(self, user_id: str, device_id: str, scope: str,
                         txn_id: str) -> str | None:
        row = self.db.conn.execute(
            "SELECT event_id FROM event_txn_ids WHERE user_id = ? AND device_id = ? "
            "AND scope = ? AND txn_id = ?", (user_id, device_id, scope, txn_id)).fetchone()
        return row[0] if row else None

    def insert_txn_id(self, user_id: str, device_id: str, scope: str, txn_id: str,
                      event_id: str, created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO event_txn_ids (user_id, device_id, scope, txn_id, event_id, "
            "created_ts) VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, device_id, scope, txn_id, event_id, created_ts))

    def get_txn_ids_of_events(self, user_id: str, device_id: str,
                              event_ids: Sequence[str]) -> dict[str, str]:
        """event_id -> txn_id for those of the events this device sent with a txn ID."""
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(event_ids):
            found.update(self.db.conn.execute(
                f"SELECT event_id, txn_id FROM event_txn_ids WHERE event_id IN ({marks}) "
                "AND user_id = ? AND device_id = ?", (*chunk, user_id, device_id)))
        return found

    def find_event_by_ts(self, room_id: str, ts: int, forwards: bool) -> EventRow | None:
        if forwards:
            sql = (f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND "
                   "origin_server_ts >= ? ORDER BY origin_server_ts, stream_ordering LIMIT 1")
        else:
            sql = (f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND "
                   "origin_server_ts <= ? ORDER BY origin_server_ts DESC, stream_ordering DESC "
                   "LIMIT 1")
        row = self.db.conn.execute(sql, (room_id, ts)).fetchone()
        return EventRow(*row) if row else None
