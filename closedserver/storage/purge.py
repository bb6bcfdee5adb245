"""SQL for removing rooms and old history from the database for good.

Deletes run in small batches, each in its own short write transaction, so a running server
keeps writing between them. Tables are found by their columns: every table with a `room_id`
column loses the room's rows, including tables added by later migrations.
"""

from __future__ import annotations

from closedserver.storage.database import Database

# Tables emptied in their own steps (events and state groups in batches, rooms last).
CORE_TABLES = ("rooms", "events", "state_groups")


class PurgeStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_tables_with_room_id(self) -> list[str]:
        """Every table with a room_id column except the core tables, in name order."""
        tables = [row[0] for row in self.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return [name for name in tables if name not in CORE_TABLES
                and any(col[1] == "room_id" for col in self.db.conn.execute(
                    f'PRAGMA table_info("{name}")'))]

    def delete_room_rows(self, table: str, room_id: str) -> int:
        return self.db.conn.execute(f'DELETE FROM "{table}" WHERE room_id = ?',
                                    (room_id,)).rowcount

    def count_state_groups(self, room_id: str) -> int:
        return self.db.conn.execute("SELECT count(*) FROM state_groups WHERE room_id = ?",
                                    (room_id,)).fetchone()[0]

    def delete_event_batch(self, room_id: str, limit: int) -> int:
        """Delete up to `limit` of the room's events (and their transaction IDs)."""
        rows = self.db.conn.execute(
            "SELECT stream_ordering, event_id FROM events WHERE room_id = ? "
            "ORDER BY stream_ordering DESC LIMIT ?", (room_id, limit)).fetchall()
        return self._delete_events(rows)

    def delete_old_message_batch(self, room_id: str, before_ts: int, limit: int) -> int:
        """Delete up to `limit` non-state events sent before `before_ts`, never a forward
        extremity (the next event's prev_events) nor a state event."""
        rows = self.db.conn.execute(
            "SELECT stream_ordering, event_id FROM events WHERE room_id = ? "
            "AND origin_server_ts < ? AND state_key IS NULL AND event_id NOT IN "
            "(SELECT event_id FROM room_extremities WHERE room_id = ?) "
            "ORDER BY origin_server_ts LIMIT ?", (room_id, before_ts, room_id, limit)).fetchall()
        return self._delete_events(rows)

    def count_old_messages(self, room_id: str, before_ts: int) -> int:
        return self.db.conn.execute(
            "SELECT count(*) FROM events WHERE room_id = ? AND origin_server_ts < ? "
            "AND state_key IS NULL AND event_id NOT IN "
            "(SELECT event_id FROM room_extremities WHERE room_id = ?)",
            (room_id, before_ts, room_id)).fetchone()[0]

    def _delete_events(self, rows: list[tuple[int, str]]) -> int:
        conn = self.db.conn
        conn.executemany("DELETE FROM event_txn_ids WHERE event_id = ?",
                         [(row[1],) for row in rows])
        # Notification rows of deleted events would keep counting as unread.
        conn.executemany("DELETE FROM push_actions WHERE stream_ordering = ?",
                         [(row[0],) for row in rows])
        conn.executemany("DELETE FROM events WHERE stream_ordering = ?",
                         [(row[0],) for row in rows])
        return len(rows)

    def delete_state_group_batch(self, room_id: str, limit: int) -> int:
        """Delete up to `limit` of the room's newest state groups (entries cascade).

        A group's prev_group is always older, so deleting newest first never leaves a
        group pointing at a deleted one.
        """
        ids = [row[0] for row in self.db.conn.execute(
            "SELECT id FROM state_groups WHERE room_id = ? ORDER BY id DESC LIMIT ?",
            (room_id, limit))]
        self.db.conn.executemany("DELETE FROM state_groups WHERE id = ?",
                                 [(group_id,) for group_id in ids])
        return len(ids)

    def delete_room(self, room_id: str) -> None:
        self.db.conn.execute("DELETE FROM rooms WHERE room_id = ?", (room_id,))
