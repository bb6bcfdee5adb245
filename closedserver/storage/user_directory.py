"""SQL for the user directory: active local users with their profile, and the users a
searcher can see through rooms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    user_id: str
    displayname: str | None
    avatar_url: str | None


class UserDirectoryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_active_users(self) -> list[DirectoryUser]:
        rows = self.db.conn.execute(
            "SELECT user_id, json_extract(profile, '$.displayname'), "
            "json_extract(profile, '$.avatar_url') FROM users WHERE deactivated = 0")
        return [DirectoryUser(row[0], row[1] if isinstance(row[1], str) else None,
                              row[2] if isinstance(row[2], str) and row[2] else None)
                for row in rows]

    def list_joined_user_ids(self, room_ids: Sequence[str]) -> set[str]:
        """Everyone joined to any of these rooms."""
        users: set[str] = set()
        for chunk, marks in in_chunks(room_ids):
            users.update(row[0] for row in self.db.conn.execute(
                "SELECT DISTINCT user_id FROM room_members WHERE membership = 'join' "
                f"AND room_id IN ({marks})", chunk))
        return users

    def list_state_event_ids(self, event_type: str) -> list[tuple[str, str]]:
        """(room_id, event_id) of the current state event of one type (empty state key) in
        every room."""
        return [(row[0], row[1]) for row in self.db.conn.execute(
            "SELECT room_id, event_id FROM current_state WHERE type = ? AND state_key = ''",
            (event_type,))]
