"""SQL for read receipts: the latest receipt per (room, type, user, thread), on the stream.

`thread_id` is stored as '' for an unthreaded receipt. `event_stream_ordering` is the
position of the acknowledged event (receipts only move forward); `stream_id` is the stream
position of the receipt itself, which /sync reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks, next_stream_position
from closedserver.storage.sync import in_joined_room

UNTHREADED = ""
PRIVATE = "m.read.private"

_COLUMNS = ("room_id, receipt_type, user_id, thread_id, event_id, event_stream_ordering, ts, "
            "stream_id")
# Private receipts are only ever shown to their owner.
_VISIBLE = f"(receipt_type != '{PRIVATE}' OR user_id = ?)"


@dataclass(frozen=True, slots=True)
class ReceiptRow:
    room_id: str
    receipt_type: str
    user_id: str
    thread_id: str
    event_id: str
    event_stream_ordering: int
    ts: int
    stream_id: int


class ReceiptsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_receipt(self, room_id: str, receipt_type: str, user_id: str,
                    thread_id: str) -> ReceiptRow | None:
        row = self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM receipts WHERE room_id = ? AND receipt_type = ? "
            "AND user_id = ? AND thread_id = ?",
            (room_id, receipt_type, user_id, thread_id)).fetchone()
        return ReceiptRow(*row) if row else None

    def upsert_receipt(self, room_id: str, receipt_type: str, user_id: str, thread_id: str,
                       event_id: str, event_stream_ordering: int, ts: int) -> int:
        """Store a receipt (inside a write transaction); returns its stream position."""
        position = next_stream_position(self.db.conn)
        self.db.conn.execute(
            f"INSERT INTO receipts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (room_id, receipt_type, user_id, thread_id) DO UPDATE SET "
            "event_id = excluded.event_id, "
            "event_stream_ordering = excluded.event_stream_ordering, ts = excluded.ts, "
            "stream_id = excluded.stream_id",
            (room_id, receipt_type, user_id, thread_id, event_id, event_stream_ordering, ts,
             position))
        return position

    def get_latest_read(self, user_id: str, room_id: str, receipt_types: Sequence[str],
                        thread_id: str) -> ReceiptRow | None:
        """The most advanced of the user's receipts of these types in one thread."""
        marks = ",".join("?" * len(receipt_types))
        row = self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM receipts WHERE room_id = ? AND user_id = ? "
            f"AND thread_id = ? AND receipt_type IN ({marks}) "
            "ORDER BY event_stream_ordering DESC LIMIT 1",
            (room_id, user_id, thread_id, *receipt_types)).fetchone()
        return ReceiptRow(*row) if row else None

    def list_receipts_in_my_rooms(self, user_id: str, since: int,
                                  upto: int) -> list[ReceiptRow]:
        """Receipts changed in (since, upto] in the rooms the user is joined to, as the user
        may see them (no one else's private receipts)."""
        return [ReceiptRow(*row) for row in self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM receipts WHERE stream_id > ? AND stream_id <= ? "
            f"AND {_VISIBLE} AND {in_joined_room('receipts', since, upto)}",
            (since, upto, user_id, user_id))]

    def list_room_receipts(self, room_ids: Sequence[str], user_id: str,
                           upto: int) -> list[ReceiptRow]:
        """Every receipt (up to `upto`) in these rooms, as `user_id` may see them."""
        found: list[ReceiptRow] = []
        for chunk, marks in in_chunks(room_ids):
            found.extend(ReceiptRow(*row) for row in self.db.conn.execute(
                f"SELECT {_COLUMNS} FROM receipts WHERE room_id IN ({marks}) "
                f"AND stream_id <= ? AND {_VISIBLE}", (*chunk, upto, user_id)))
        return found
