"""SQL for presence: each user's last persisted state, on the server-wide stream.

Only changes of state or status message are written (each takes a stream position); the
last-active time is kept in memory by the presence service and written along with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks, next_stream_position

_COLUMNS = "user_id, state, status_msg, last_active_ts, stream_id"


@dataclass(frozen=True, slots=True)
class PresenceRow:
    user_id: str
    state: str
    status_msg: str | None
    last_active_ts: int | None
    stream_id: int


class PresenceStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_presence(self, user_id: str) -> PresenceRow | None:
        row = self.db.conn.execute(f"SELECT {_COLUMNS} FROM presence WHERE user_id = ?",
                                   (user_id,)).fetchone()
        return PresenceRow(*row) if row else None

    def upsert_presence(self, user_id: str, state: str, status_msg: str | None,
                        last_active_ts: int | None) -> int:
        """Store a new state (inside a write transaction); returns its stream position."""
        position = next_stream_position(self.db.conn)
        self.db.conn.execute(
            f"INSERT INTO presence ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, "
            "status_msg = excluded.status_msg, last_active_ts = excluded.last_active_ts, "
            "stream_id = excluded.stream_id",
            (user_id, state, status_msg, last_active_ts, position))
        return position

    def list_changed_since(self, since: int, upto: int) -> list[PresenceRow]:
        return [PresenceRow(*row) for row in self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM presence WHERE stream_id > ? AND stream_id <= ?",
            (since, upto))]

    def list_presence_of(self, user_ids: Iterable[str]) -> list[PresenceRow]:
        found: list[PresenceRow] = []
        for chunk, marks in in_chunks(user_ids):
            found.extend(PresenceRow(*row) for row in self.db.conn.execute(
                f"SELECT {_COLUMNS} FROM presence WHERE user_id IN ({marks})", chunk))
        return found

    def list_not_offline(self) -> list[PresenceRow]:
        """Users whose persisted state is not offline (to time them out after a restart)."""
        return [PresenceRow(*row) for row in self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM presence WHERE state != 'offline'")]
