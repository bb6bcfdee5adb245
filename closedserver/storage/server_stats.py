"""SQL for the server's headline numbers (users, rooms, events) and database checks."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database


@dataclass(frozen=True, slots=True)
class ServerCounts:
    users: int
    admins: int
    deactivated: int
    rooms: int
    blocked_rooms: int
    events: int


class ServerStatsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_counts(self) -> ServerCounts:
        conn = self.db.conn
        users = conn.execute("SELECT count(*), coalesce(sum(is_admin), 0), "
                             "coalesce(sum(deactivated), 0) FROM users").fetchone()
        rooms = conn.execute("SELECT count(*), coalesce(sum(blocked), 0) FROM rooms").fetchone()
        # max(rowid) would count purged events; count(*) on the rowid table is cheap enough.
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        return ServerCounts(users[0], users[1], users[2], rooms[0], rooms[1], events)

    def integrity_problems(self) -> list[str]:
        """PRAGMA integrity_check's findings (empty when the file is sound)."""
        rows = [row[0] for row in self.db.conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def foreign_key_problems(self) -> list[str]:
        """PRAGMA foreign_key_check's findings as readable lines."""
        return [f"{row[0]} row {row[1]} points at a missing {row[2]} row"
                for row in self.db.conn.execute("PRAGMA foreign_key_check")]

    def vacuum(self) -> None:
        self.db.conn.execute("VACUUM")
