"""SQL for push rule documents: one JSON document per user (see matrix/push/ruleset.py).

The `version` column repeats the document's version; an update that does not increase it
is refused, so a user's version never goes backwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from closedserver.storage.database import Database, in_chunks


class PushRulesStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_document(self, user_id: str) -> str | None:
        """The stored JSON document, or None for a user who never changed a rule."""
        row = self.db.conn.execute("SELECT document FROM push_rules WHERE user_id = ?",
                                   (user_id,)).fetchone()
        return row[0] if row else None

    def get_documents(self, user_ids: Iterable[str]) -> dict[str, str]:
        """user_id -> stored JSON document, for those users who have one."""
        found: dict[str, str] = {}
        for chunk, marks in in_chunks(user_ids):
            found.update(self.db.conn.execute(
                f"SELECT user_id, document FROM push_rules WHERE user_id IN ({marks})", chunk))
        return found

    def put_document(self, user_id: str, version: int, document: str) -> bool:
        """Store a document whose version is higher than the stored one; False (and no
        change) when the stored version is already at least `version`."""
        cursor = self.db.conn.execute(
            "INSERT INTO push_rules (user_id, version, document) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, "
            "document = excluded.document WHERE excluded.version > push_rules.version",
            (user_id, version, document))
        return cursor.rowcount == 1
