"""SQL for server notices rooms: one room per user (table server_notice_rooms)."""

from __future__ import annotations

from closedserver.storage.database import Database


class ServerNoticeRoomsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_room_of_user(self, user_id: str) -> str | None:
        row = self.db.conn.execute("SELECT room_id FROM server_notice_rooms WHERE user_id = ?",
                                   (user_id,)).fetchone()
        return row[0] if row else None

    def is_notice_room_of(self, room_id: str, user_id: str) -> bool:
        return self.db.conn.execute(
            "SELECT 1 FROM server_notice_rooms WHERE room_id = ? AND user_id = ?",
            (room_id, user_id)).fetchone() is not None

    def upsert_room_of_user(self, user_id: str, room_id: str, created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO server_notice_rooms (user_id, room_id, created_ts) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET room_id = excluded.room_id, "
            "created_ts = excluded.created_ts", (user_id, room_id, created_ts))
