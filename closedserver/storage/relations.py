"""SQL for event relationships: the children of parent events (listed, and for the
bundled aggregations) and the thread roots of a room.

Redacted children are left out: redacting a child breaks its relationship (spec:
"Aggregations of child events").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks


@dataclass(frozen=True, slots=True)
class ThreadRootRow:
    root_id: str
    latest_stream_ordering: int
    user_replied: bool


class RelationsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_child_ids(self, room_id: str, parent_ids: Sequence[str], *,
                       rel_type: str | None,
                       event_type: str | None) -> list[tuple[str, int]]:
        """(event_id, stream_ordering) of the unredacted children of any of the parents."""
        found: list[tuple[str, int]] = []
        for chunk, marks in in_chunks(parent_ids):
            sql = ("SELECT event_id, stream_ordering FROM events WHERE relates_to IN "
                   f"({marks}) AND room_id = ? AND redacted_by IS NULL")
            args: list[object] = [*chunk, room_id]
            if rel_type is not None:
                sql += " AND rel_type = ?"
                args.append(rel_type)
            if event_type is not None:
                sql += " AND type = ?"
                args.append(event_type)
            found.extend((row[0], row[1]) for row in self.db.conn.execute(sql, args))
        return found

    def list_related_ids(self, parent_ids: Sequence[str]
                         ) -> list[tuple[str, str, str, str, int]]:
        """(parent, rel_type, event_id, sender, origin_server_ts) of the unredacted children
        of the parents sent in the parent's room, in stream order."""
        if not parent_ids:
            return []
        marks = ",".join("?" * len(parent_ids))
        # CROSS JOIN keeps the children as the outer loop, found through events_relations
        # (a plain JOIN lets the planner walk the room's events instead).
        return list(self.db.conn.execute(
            "SELECT c.relates_to, c.rel_type, c.event_id, c.sender, c.origin_server_ts "
            "FROM events c CROSS JOIN events p ON p.event_id = c.relates_to "
            f"WHERE c.relates_to IN ({marks}) AND c.redacted_by IS NULL "
            "AND c.room_id = p.room_id ORDER BY c.stream_ordering", list(parent_ids)))

    def list_thread_roots(self, room_id: str, user_id: str, *, before: int,
                          limit: int) -> list[ThreadRootRow]:
        """Thread roots whose latest reply is before `before`, most recently active first,
        with whether `user_id` sent any reply."""
        rows = self.db.conn.execute(
            "SELECT relates_to, max(stream_ordering) AS latest, max(sender = ?) FROM events "
            "WHERE room_id = ? AND rel_type = 'm.thread' AND redacted_by IS NULL "
            "GROUP BY relates_to HAVING latest < ? ORDER BY latest DESC LIMIT ?",
            (user_id, room_id, before, limit))
        return [ThreadRootRow(row[0], row[1], bool(row[2])) for row in rows]
