"""SQL for to-device messages (each device's inbox) and /sendToDevice transaction IDs."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database


@dataclass(frozen=True)
class ToDeviceMessage:
    stream_id: int
    sender: str
    type: str
    content: str  # JSON text, as sent


class ToDeviceStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # transaction IDs

    def txn_seen(self, user_id: str, device_id: str, event_type: str, txn_id: str) -> bool:
        return self.db.conn.execute(
            "SELECT 1 FROM to_device_txns WHERE user_id = ? AND device_id = ? "
            "AND event_type = ? AND txn_id = ?",
            (user_id, device_id, event_type, txn_id)).fetchone() is not None

    def insert_txn(self, user_id: str, device_id: str, event_type: str, txn_id: str,
                   created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO to_device_txns (user_id, device_id, event_type, txn_id, created_ts) "
            "VALUES (?, ?, ?, ?, ?)", (user_id, device_id, event_type, txn_id, created_ts))

    def delete_txns_before(self, user_id: str, device_id: str, before_ts: int) -> None:
        self.db.conn.execute(
            "DELETE FROM to_device_txns WHERE user_id = ? AND device_id = ? AND created_ts < ?",
            (user_id, device_id, before_ts))

    # messages

    def insert_messages(self, rows: list[tuple[str, str, int, str, str, str]]) -> None:
        """Insert (user_id, device_id, stream_id, sender, type, content JSON) rows."""
        self.db.conn.executemany(
            "INSERT INTO to_device_messages (user_id, device_id, stream_id, sender, type, "
            "content) VALUES (?, ?, ?, ?, ?, ?)", rows)

    def has_messages_upto(self, user_id: str, device_id: str, position: int) -> bool:
        return self.db.conn.execute(
            "SELECT 1 FROM to_device_messages WHERE user_id = ? AND device_id = ? "
            "AND stream_id <= ? LIMIT 1", (user_id, device_id, position)).fetchone() is not None

    def delete_messages_upto(self, user_id: str, device_id: str, position: int) -> None:
        self.db.conn.execute(
            "DELETE FROM to_device_messages WHERE user_id = ? AND device_id = ? "
            "AND stream_id <= ?", (user_id, device_id, position))

    def list_messages(self, user_id: str, device_id: str, since: int, upto: int,
                      limit: int) -> list[ToDeviceMessage]:
        """The device's messages in (since, upto], oldest first, at most `limit`."""
        rows = self.db.conn.execute(
            "SELECT stream_id, sender, type, content FROM to_device_messages "
            "WHERE user_id = ? AND device_id = ? AND stream_id > ? AND stream_id <= ? "
            "ORDER BY stream_id LIMIT ?", (user_id, device_id, since, upto, limit))
        return [ToDeviceMessage(*row) for row in rows]
