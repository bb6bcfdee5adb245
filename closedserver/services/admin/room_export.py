"""Exporting a room: every event the server holds for it, in stream order, one PDU (the
stored canonical JSON, redacted where the event was redacted) per line.

The export reads inside one read transaction, so it is a consistent snapshot even while
the server keeps writing to the room.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from closedserver.services.admin.acting import Targets
from closedserver.storage.database import Database
from closedserver.storage.events import EventsStore
from closedserver.storage.room_stats import RoomStatsStore

PAGE = 1000


class RoomExport:
    def __init__(self, db: Database, targets: Targets, server_name: str) -> None:
        self.db = db
        self.targets = targets
        self.events = EventsStore(db)
        self.stats = RoomStatsStore(db, server_name)

    def count(self, room: str) -> tuple[str, int]:
        """(room_id, number of events) of the room to export."""
        room_id = self.targets.room_id(room)
        return room_id, self.stats.count_events(room_id)[0]

    def export(self, room_id: str, out: BinaryIO,
               progress: Callable[[int], None] = lambda n: None) -> int:
        written = 0
        after = 0
        with self.db.snapshot():
            while True:
                rows = self.events.list_room_events(room_id, after=after, before=2**62,
                                                    limit=PAGE, backwards=False)
                if not rows:
                    return written
                out.write(b"".join(bytes(row.json) + b"\n" for row in rows))
                written += len(rows)
                after = rows[-1].stream_ordering
                progress(len(rows))
