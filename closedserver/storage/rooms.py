"""SQL for rooms: the room row, forward extremities, aliases and reports."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database

ROOM_COLUMNS = ("room_id, room_version, creator, created_ts, room_type, federate, is_public, "
                "blocked, current_state_group, last_stream_ordering")


@dataclass(frozen=True, slots=True)
class RoomRow:
    room_id: str
    room_version: str
    creator: str
    created_ts: int
    room_type: str | None
    federate: bool
    is_public: bool
    blocked: bool
    current_state_group: int | None
    last_stream_ordering: int


def _room(row: tuple) -> RoomRow:
    return RoomRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]),
                   bool(row[7]), row[8], row[9])


class RoomsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def insert_room(self, room_id: str, room_version: str, creator: str, created_ts: int,
                    room_type: str | None, federate: bool) -> None:
        self.db.conn.execute(
            "INSERT INTO rooms (room_id, room_version, creator, created_ts, room_type, "
            "federate) VALUES (?, ?, ?, ?, ?, ?)",
            (room_id, room_version, creator, created_ts, room_type, int(federate)))

    def get_room(self, room_id: str) -> RoomRow | None:
        row = self.db.conn.execute(f"SELECT {ROOM_COLUMNS} FROM rooms WHERE room_id = ?",
                                   (room_id,)).fetchone()
        return _room(row) if row else None

    def list_rooms(self) -> list[RoomRow]:
        return [_room(row) for row in self.db.conn.execute(
            f"SELECT {ROOM_COLUMNS} FROM rooms ORDER BY created_ts")]

    def update_head(self, room_id: str, state_group: int, stream_ordering: int) -> None:
        self.db.conn.execute(
            "UPDATE rooms SET current_state_group = ?, last_stream_ordering = ? "
            "WHERE room_id = ?", (state_group, stream_ordering, room_id))

    def update_public(self, room_id: str, is_public: bool) -> None:
        self.db.conn.execute("UPDATE rooms SET is_public = ? WHERE room_id = ?",
                             (int(is_public), room_id))

    def update_blocked(self, room_id: str, blocked: bool) -> None:
        self.db.conn.execute("UPDATE rooms SET blocked = ? WHERE room_id = ?",
                             (int(blocked), room_id))

    # forward extremities

    def get_extremities(self, room_id: str) -> list[str]:
        return [row[0] for row in self.db.conn.execute(
            "SELECT event_id FROM room_extremities WHERE room_id = ?", (room_id,))]

    def replace_extremities(self, room_id: str, remove: list[str], add: str) -> None:
        for event_id in remove:
            self.db.conn.execute(
                "DELETE FROM room_extremities WHERE room_id = ? AND event_id = ?",
                (room_id, event_id))
        self.db.conn.execute("INSERT INTO room_extremities (room_id, event_id) VALUES (?, ?)",
                             (room_id, add))

    # aliases

    def get_alias(self, alias: str) -> tuple[str, str] | None:
        """(room_id, creator) of an alias."""
        row = self.db.conn.execute("SELECT room_id, creator FROM room_aliases WHERE alias = ?",
                                   (alias,)).fetchone()
        return (row[0], row[1]) if row else None

    def list_aliases(self, room_id: str) -> list[str]:
        return [row[0] for row in self.db.conn.execute(
            "SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY created_ts", (room_id,))]

    def insert_alias(self, alias: str, room_id: str, creator: str, created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO room_aliases (alias, room_id, creator, created_ts) VALUES (?, ?, ?, ?)",
            (alias, room_id, creator, created_ts))

    def delete_alias(self, alias: str) -> None:
        self.db.conn.execute("DELETE FROM room_aliases WHERE alias = ?", (alias,))
