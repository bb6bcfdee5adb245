"""SQL for stored sync filters (spec: POST/GET /user/{userId}/filter): per-user numbered."""

from __future__ import annotations

from closedserver.storage.database import Database


class FiltersStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_filter(self, user_id: str, filter_id: int) -> str | None:
        """The stored filter JSON text, or None."""
        row = self.db.conn.execute(
            "SELECT filter_json FROM filters WHERE user_id = ? AND filter_id = ?",
            (user_id, filter_id)).fetchone()
        return row[0] if row else None

    def find_filter(self, user_id: str, filter_json: str) -> int | None:
        """The ID of an identical filter the user stored before (clients re-upload theirs)."""
        row = self.db.conn.execute(
            "SELECT filter_id FROM filters WHERE user_id = ? AND filter_json = ?",
            (user_id, filter_json)).fetchone()
        return row[0] if row else None

    def insert_filter(self, user_id: str, filter_json: str) -> int:
        """Store a filter under the user's next ID (inside a write transaction)."""
        next_id = self.db.conn.execute(
            "SELECT coalesce(max(filter_id) + 1, 0) FROM filters WHERE user_id = ?",
            (user_id,)).fetchone()[0]
        self.db.conn.execute(
            "INSERT INTO filters (user_id, filter_id, filter_json) VALUES (?, ?, ?)",
            (user_id, next_id, filter_json))
        return next_id
