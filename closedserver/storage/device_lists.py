"""SQL for the device-list stream: which users' devices or keys changed, and when."""

from __future__ import annotations

from closedserver.storage.database import Database, next_stream_position


class DeviceListsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def insert_change(self, user_id: str) -> int:
        """Record a change at a new stream position (inside a write transaction)."""
        position = next_stream_position(self.db.conn)
        self.db.conn.execute(
            "INSERT INTO device_list_changes (stream_id, user_id) VALUES (?, ?)",
            (position, user_id))
        return position

    def list_changed_users(self, since: int, upto: int) -> set[str]:
        rows = self.db.conn.execute(
            "SELECT DISTINCT user_id FROM device_list_changes "
            "WHERE stream_id > ? AND stream_id <= ?", (since, upto))
        return {row[0] for row in rows}
