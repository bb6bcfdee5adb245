"""SQL for account data, global (`room_id = ''`) and per room, on the server-wide stream."""

from __future__ import annotations

from closedserver.storage.database import Database, next_stream_position

GLOBAL = ""


class AccountDataStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_account_data(self, user_id: str, room_id: str, data_type: str) -> str | None:
        """The stored JSON text of one account data entry, or None."""
        row = self.db.conn.execute(
            "SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND type = ?",
            (user_id, room_id, data_type)).fetchone()
        return row[0] if row else None

    def put_account_data(self, user_id: str, room_id: str, data_type: str,
                         content_json: str) -> int:
        """Store one entry (replacing any previous); returns its stream position."""
        position = next_stream_position(self.db.conn)
        self.db.conn.execute(
            "INSERT INTO account_data (user_id, room_id, type, content, stream_id) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, room_id, type) "
            "DO UPDATE SET content = excluded.content, stream_id = excluded.stream_id",
            (user_id, room_id, data_type, content_json, position))
        return position

    def list_account_data_since(self, user_id: str, since: int,
                                upto: int) -> list[tuple[str, str, str]]:
        """(room_id, type, content_json) changed in (since, upto], oldest first."""
        rows = self.db.conn.execute(
            "SELECT room_id, type, content FROM account_data WHERE user_id = ? "
            "AND stream_id > ? AND stream_id <= ? ORDER BY stream_id",
            (user_id, since, upto))
        return list(rows)

    def delete_account_data_of_user(self, user_id: str) -> None:
        self.db.conn.execute("DELETE FROM account_data WHERE user_id = ?", (user_id,))
