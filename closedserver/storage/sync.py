"""SQL reads that /sync needs beyond the shared stores: each one indexed, so that an
incremental sync with little new costs a handful of cheap queries, whatever the number of
rooms the user is in."""

from __future__ import annotations

from collections.abc import Sequence

from closedserver.storage.database import Database, in_chunks
from closedserver.storage.events import EVENT_COLUMNS, EventRow
from closedserver.storage.state import MEMBER_COLUMNS, MemberRow

SHORT_WINDOW = 32
"""A /sync window of fewer stream positions than this (a woken sync's holds a handful) is
read by stream position, each row's room checked against the user's membership; a longer
one is read room by room, one index seek per room the user is joined to."""


def in_joined_room(table: str, since: int, upto: int) -> str:
    """SQL condition: the row of `table` is in a room the user (the next parameter) is
    joined to, written so that SQLite takes the access path that suits the window."""
    if upto - since < SHORT_WINDOW:
        return (f"EXISTS (SELECT 1 FROM room_members m WHERE m.room_id = {table}.room_id "
                "AND m.user_id = ? AND m.membership = 'join')")
    return (f"{table}.room_id IN (SELECT room_id FROM room_members WHERE user_id = ? "
            "AND membership = 'join')")


class SyncStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_rooms_with_events(self, user_id: str, since: int, upto: int) -> set[str]:
        """The user's joined rooms that have events in (since, upto]."""
        return {row[0] for row in self.db.conn.execute(
            "SELECT DISTINCT room_id FROM events WHERE stream_ordering > ? "
            f"AND stream_ordering <= ? AND {in_joined_room('events', since, upto)}",
            (since, upto, user_id))}

    def list_room_event_ids(self, room_id: str, *, after: int, before: int,
                            limit: int) -> list[str]:
        """IDs of a room's events with after < stream_ordering < before, newest first (the
        events themselves usually come from the event cache)."""
        return [row[0] for row in self.db.conn.execute(
            "SELECT event_id FROM events WHERE room_id = ? AND stream_ordering > ? "
            "AND stream_ordering < ? ORDER BY stream_ordering DESC LIMIT ?",
            (room_id, after, before, limit))]

    def list_memberships_in(self, user_id: str, room_ids: Sequence[str]) -> list[MemberRow]:
        """The user's current membership rows in these rooms (primary-key lookups)."""
        found: list[MemberRow] = []
        for chunk, marks in in_chunks(room_ids):
            found.extend(MemberRow(*row[:7], bool(row[7])) for row in self.db.conn.execute(
                f"SELECT {MEMBER_COLUMNS} FROM room_members WHERE user_id = ? "
                f"AND room_id IN ({marks})", (user_id, *chunk)))
        return found

    def list_state_events_between(self, room_id: str, after: int,
                                  before: int) -> list[EventRow]:
        """State events of a room with after < stream_ordering < before, oldest first."""
        return [EventRow(*row) for row in self.db.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE room_id = ? AND stream_ordering > ? "
            "AND stream_ordering < ? AND state_key IS NOT NULL ORDER BY stream_ordering",
            (room_id, after, before))]

    def count_members(self, room_id: str) -> dict[str, int]:
        """{membership: number of users} in a room."""
        return {row[0]: row[1] for row in self.db.conn.execute(
            "SELECT membership, count(*) FROM room_members WHERE room_id = ? "
            "GROUP BY membership", (room_id,))}

    def list_heroes(self, room_id: str, user_id: str, memberships: Sequence[str],
                    limit: int) -> list[str]:
        """Other members with these memberships, in the order they got them."""
        marks = ",".join("?" * len(memberships))
        return [row[0] for row in self.db.conn.execute(
            f"SELECT user_id FROM room_members WHERE room_id = ? AND user_id != ? "
            f"AND membership IN ({marks}) ORDER BY stream_ordering LIMIT ?",
            (room_id, user_id, *memberships, limit))]

    def list_current_state_of_types(self, room_id: str,
                                    types: Sequence[str]) -> dict[tuple[str, str], str]:
        """Current state events of these types with an empty state key."""
        marks = ",".join("?" * len(types))
        return {(row[0], ""): row[1] for row in self.db.conn.execute(
            f"SELECT type, event_id FROM current_state WHERE room_id = ? AND type IN ({marks}) "
            "AND state_key = ''", (room_id, *types))}

    def list_current_state(self, room_ids: Sequence[str]
                           ) -> dict[str, dict[tuple[str, str], str]]:
        """The whole current state of several rooms in one query."""
        found: dict[str, dict[tuple[str, str], str]] = {room_id: {} for room_id in room_ids}
        for chunk, marks in in_chunks(room_ids):
            for room_id, event_type, state_key, event_id in self.db.conn.execute(
                    "SELECT room_id, type, state_key, event_id FROM current_state "
                    f"WHERE room_id IN ({marks})", chunk):
                found[room_id][(event_type, state_key)] = event_id
        return found

    def get_last_stream_orderings(self, room_ids: Sequence[str]) -> dict[str, int]:
        """The position of each room's latest event (the head of its current state)."""
        found: dict[str, int] = {}
        for chunk, marks in in_chunks(room_ids):
            found.update(self.db.conn.execute(
                f"SELECT room_id, last_stream_ordering FROM rooms WHERE room_id IN ({marks})",
                chunk).fetchall())
        return found
