"""SQL for service users: local accounts the server itself acts as (table service_users)."""

from __future__ import annotations

from closedserver.storage.database import Database


class ServiceUsersStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def is_service_user(self, user_id: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM service_users WHERE user_id = ?",
                                    (user_id,)).fetchone() is not None

    def insert_service_user(self, user_id: str, created_ts: int) -> None:
        self.db.conn.execute("INSERT INTO service_users (user_id, created_ts) VALUES (?, ?)",
                             (user_id, created_ts))
