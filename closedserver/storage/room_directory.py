"""SQL for the room directory and room summaries: published rooms, the summary state of many
rooms at once, joined member counts, space children, and moving aliases between rooms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks


@dataclass(frozen=True, slots=True)
class RoomBasics:
    room_id: str
    room_version: str
    room_type: str | None
    is_public: bool


class RoomDirectoryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_published_room_ids(self) -> list[str]:
        return [row[0] for row in self.db.conn.execute(
            "SELECT room_id FROM rooms WHERE is_public = 1 AND blocked = 0")]

    def get_room_basics(self, room_ids: Sequence[str]) -> dict[str, RoomBasics]:
        found: dict[str, RoomBasics] = {}
        for chunk, marks in in_chunks(room_ids):
            for row in self.db.conn.execute(
                    "SELECT room_id, room_version, room_type, is_public FROM rooms "
                    f"WHERE room_id IN ({marks})", chunk):
                found[row[0]] = RoomBasics(row[0], row[1], row[2], bool(row[3]))
        return found

    def list_current_state_ids(self, room_ids: Sequence[str],
                               types: Sequence[str]) -> dict[str, dict[str, str]]:
        """room_id -> event type -> event_id of the current state with an empty state key."""
        found: dict[str, dict[str, str]] = {}
        type_marks = ",".join("?" * len(types))
        for chunk, marks in in_chunks(room_ids):
            for room_id, event_type, event_id in self.db.conn.execute(
                    "SELECT room_id, type, event_id FROM current_state "
                    f"WHERE room_id IN ({marks}) AND type IN ({type_marks}) AND state_key = ''",
                    (*chunk, *types)):
                found.setdefault(room_id, {})[event_type] = event_id
        return found

    def count_joined_members(self, room_ids: Sequence[str]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for chunk, marks in in_chunks(room_ids):
            counts.update(self.db.conn.execute(
                "SELECT room_id, count(*) FROM room_members "
                f"WHERE room_id IN ({marks}) AND membership = 'join' GROUP BY room_id", chunk))
        return counts

    def list_state_ids_of_type(self, room_id: str, event_type: str) -> dict[str, str]:
        """state_key -> event_id of every current state event of one type in a room."""
        return dict(self.db.conn.execute(
            "SELECT state_key, event_id FROM current_state WHERE room_id = ? AND type = ?",
            (room_id, event_type)))

    def update_aliases_room(self, from_room_id: str, to_room_id: str) -> list[str]:
        """Point every alias of one room at another; returns the aliases moved."""
        moved = [row[0] for row in self.db.conn.execute(
            "SELECT alias FROM room_aliases WHERE room_id = ? ORDER BY created_ts",
            (from_room_id,))]
        self.db.conn.execute("UPDATE room_aliases SET room_id = ? WHERE room_id = ?",
                             (to_room_id, from_room_id))
        return moved
