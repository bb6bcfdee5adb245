"""SQL for push actions (what evaluation decided per user and event), for the implicit
read positions a user's own events create, and for reading where users have read up to.

`push_actions` rows exist only for events that notify or highlight a local user. Unread
counts and GET /notifications are range scans of the index (user_id, room_id,
stream_ordering, ...); the event ID comes from the events table (same stream position).
`thread_id` is NULL for the main timeline (threaded read receipts call it 'main').
`push_own_reads` holds the position of each local user's latest event per room; with the
read receipts (receipts table) it says where a user has read up to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks

MAIN_THREAD = "main"
CHUNK = 500
"""Rooms per statement (bound parameters stay far below SQLite's limit)."""

_SELECT_ACTIONS = (
    "SELECT a.user_id, a.stream_ordering, a.room_id, e.event_id, a.thread_id, a.notify, "
    "a.highlight, a.actions FROM push_actions a "
    "JOIN events e ON e.stream_ordering = a.stream_ordering ")


@dataclass(frozen=True, slots=True)
class ActionRow:
    user_id: str
    stream_ordering: int
    room_id: str
    event_id: str
    """Not stored in push_actions: read from the events table."""
    thread_id: str | None
    notify: bool
    highlight: bool
    actions: str
    """The actions as JSON text."""


def _action(row: tuple) -> ActionRow:
    return ActionRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6]), row[7])


@dataclass(frozen=True, slots=True)
class ThreadCount:
    thread_id: str | None
    notifications: int
    highlights: int


@dataclass(frozen=True, slots=True)
class ReadMark:
    """How far a user has read in one room: in one thread ('main' or a thread root), or in
    every thread (`thread_id` '': an unthreaded receipt, or the user's own latest event)."""

    room_id: str
    thread_id: str
    stream_ordering: int


class PushActionsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # writing (inside the timeline's transaction)

    def insert_actions(self, rows: Sequence[ActionRow]) -> None:
        self.db.conn.executemany(
            "INSERT INTO push_actions (stream_ordering, user_id, room_id, thread_id, notify, "
            "highlight, actions) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.stream_ordering, r.user_id, r.room_id, r.thread_id, r.notify, r.highlight,
              r.actions) for r in rows])

    def delete_actions_at(self, stream_ordering: int) -> None:
        """Forget what one event (by its stream position) did for every user."""
        self.db.conn.execute("DELETE FROM push_actions WHERE stream_ordering = ?",
                             (stream_ordering,))

    def upsert_own_read(self, user_id: str, room_id: str, stream_ordering: int) -> None:
        self.db.conn.execute(
            "INSERT INTO push_own_reads (user_id, room_id, stream_ordering) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, room_id) DO UPDATE SET "
            "stream_ordering = max(stream_ordering, excluded.stream_ordering)",
            (user_id, room_id, stream_ordering))

    # reading

    def list_read_marks(self, user_id: str, room_ids: Sequence[str],
                        receipt_types: Sequence[str]) -> list[ReadMark]:
        """The user's own latest event and most advanced read receipt (of these types) per
        thread, in each of these rooms; one statement per IN_CHUNK rooms."""
        types = ",".join("?" * len(receipt_types))
        found: list[ReadMark] = []
        for chunk, rooms in in_chunks(room_ids):
            found.extend(ReadMark(*row) for row in self.db.conn.execute(
                "SELECT room_id, '', stream_ordering FROM push_own_reads "
                f"WHERE user_id = ? AND room_id IN ({rooms}) UNION ALL "
                "SELECT room_id, thread_id, max(event_stream_ordering) FROM receipts "
                f"WHERE user_id = ? AND room_id IN ({rooms}) AND receipt_type IN ({types}) "
                "GROUP BY room_id, thread_id",
                (user_id, *chunk, user_id, *chunk, *receipt_types)))
        return found

    def count_unread(self, user_id: str, after: dict[str, int],
                     upto: int) -> dict[str, list[ThreadCount]]:
        """Per room and thread: the rows with notify and with highlight at positions in
        (after[room], upto]; one statement per CHUNK rooms."""
        found: dict[str, list[ThreadCount]] = {}
        rooms = list(after.items())
        for start in range(0, len(rooms), CHUNK):
            chunk = rooms[start:start + CHUNK]
            values = ",".join("(?, ?)" for _ in chunk)
            for room_id, thread_id, notifications, highlights in self.db.conn.execute(
                    f"WITH counted (room_id, read_upto) AS (VALUES {values}) "
                    "SELECT a.room_id, a.thread_id, sum(a.notify), sum(a.highlight) "
                    "FROM counted JOIN push_actions a ON a.user_id = ? "
                    "AND a.room_id = counted.room_id AND a.stream_ordering > counted.read_upto "
                    "AND a.stream_ordering <= ? GROUP BY a.room_id, a.thread_id",
                    (*(value for pair in chunk for value in pair), user_id, upto)):
                found.setdefault(room_id, []).append(
                    ThreadCount(thread_id, notifications, highlights))
        return found

    def count_unread_in_thread(self, user_id: str, room_id: str, thread_id: str | None,
                               after: int, upto: int) -> ThreadCount:
        row = self.db.conn.execute(
            "SELECT coalesce(sum(notify), 0), coalesce(sum(highlight), 0) "
            "FROM push_actions WHERE user_id = ? AND room_id = ? AND stream_ordering > ? "
            "AND stream_ordering <= ? AND thread_id IS ?",
            (user_id, room_id, after, upto, thread_id)).fetchone()
        return ThreadCount(thread_id, row[0], row[1])

    def list_actions_in_room(self, user_id: str, room_id: str, *, before: int, limit: int,
                             only_highlight: bool) -> list[ActionRow]:
        """A user's rows in one room before position `before`, newest first."""
        highlight = " AND a.highlight = 1" if only_highlight else ""
        rows = self.db.conn.execute(
            f"{_SELECT_ACTIONS} WHERE a.user_id = ? AND a.room_id = ? "
            f"AND a.stream_ordering < ?{highlight} ORDER BY a.stream_ordering DESC LIMIT ?",
            (user_id, room_id, before, limit))
        return [_action(row) for row in rows]

    def list_actions_for_pushers(self, after: int, upto: int, limit: int) -> list[ActionRow]:
        """Rows that notify, at positions in (after, upto], of users who have a pusher;
        oldest first. (`+a.user_id` keeps SQLite on the stream index: only those positions
        are read.)"""
        rows = self.db.conn.execute(
            f"{_SELECT_ACTIONS} WHERE a.stream_ordering > ? AND a.stream_ordering <= ? "
            "AND a.notify = 1 AND +a.user_id IN (SELECT user_id FROM pushers) "
            "ORDER BY a.stream_ordering LIMIT ?", (after, upto, limit))
        return [_action(row) for row in rows]

    def list_joined_members(self, room_id: str) -> list[tuple[str, str | None]]:
        """(user_id, display name in the room) of every joined member, from the
        room_members table."""
        return list(self.db.conn.execute(
            "SELECT user_id, displayname FROM room_members WHERE room_id = ? "
            "AND membership = 'join'", (room_id,)))

    def get_relation(self, event_id: str) -> tuple[str | None, str | None] | None:
        """(thread root, parent event) of a stored event, from the events table's relation
        columns; None if the event is unknown."""
        row = self.db.conn.execute(
            "SELECT thread_id, relates_to FROM events WHERE event_id = ?",
            (event_id,)).fetchone()
        return (row[0], row[1]) if row else None
