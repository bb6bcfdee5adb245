"""Unread notification and highlight counts per room and per thread (CS API "Receiving
notifications", "Marking notifications as read", threaded read receipts).

An action row is unread when it comes after where the user has read up to in its thread.
"Read up to" is the most advanced of:
1. the user's unthreaded read receipt (it covers every thread);
2. the latest event they sent in the room: sending reads the room up to it, like an
   unthreaded receipt;
3. their receipt in that thread (`main` for the main timeline).
The first two give a floor for every thread, so counting scans only rows after it.

Receipts come through the `ReadReceipts` seam (the receipts service, when wired); without
it, only the user's own events mark rooms as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from closedserver.storage.database import Database, current_stream_position
from closedserver.storage.push import MAIN_THREAD, PushActionsStore, ThreadCount
from closedserver.storage.state import StateStore

Counts = dict[str, int]


class ReadReceipts(Protocol):
    """What counting needs from the receipts service."""

    def latest_read_receipt(self, user_id: str, room_id: str,
                            thread_id: str | None = None) -> tuple[str, int] | None:
        """The user's most advanced read receipt in the room (`m.read` or
        `m.read.private`, whichever is further) as (event_id, stream_ordering).
        `thread_id`: None = unthreaded receipts, "main" = main timeline receipts, else
        receipts in the thread with that root. None when there is no such receipt."""
        ...

    def receipts_version(self, user_id: str, room_id: str) -> int:
        """Changes whenever the user's receipts in the room move."""
        ...


class ReadPositions:
    """Where one user has read up to in one room, per thread (see the module docstring).
    Receipts of threads are looked up on first use and remembered."""

    def __init__(self, user_id: str, room_id: str, own_read: int,
                 receipts: ReadReceipts | None) -> None:
        self.user_id = user_id
        self.room_id = room_id
        self.receipts = receipts
        self.floor = max(own_read, self._receipt(None))
        """Read up to here in every thread."""
        self._by_thread: dict[str, int] = {}

    def of(self, thread_id: str | None) -> int:
        """The read position for a thread root, None meaning the main timeline."""
        key = thread_id if thread_id is not None else MAIN_THREAD
        position = self._by_thread.get(key)
        if position is None:
            position = self._by_thread[key] = max(self.floor, self._receipt(key))
        return position

    def is_read(self, thread_id: str | None, stream_ordering: int) -> bool:
        return stream_ordering <= self.of(thread_id)

    def _receipt(self, thread_id: str | None) -> int:
        if self.receipts is None:
            return 0
        receipt = self.receipts.latest_read_receipt(self.user_id, self.room_id, thread_id)
        return receipt[1] if receipt is not None else 0


CACHE_SIZE = 50_000


@dataclass(frozen=True)
class _CachedCounts:
    floor: int
    version: int
    upto: int
    counts: list[ThreadCount]


def _merge(counted: list[ThreadCount], added: list[ThreadCount]) -> list[ThreadCount]:
    totals = {c.thread_id: (c.notifications, c.highlights) for c in counted}
    for c in added:
        notifications, highlights = totals.get(c.thread_id, (0, 0))
        totals[c.thread_id] = (notifications + c.notifications, highlights + c.highlights)
    return [ThreadCount(thread_id, n, h) for thread_id, (n, h) in totals.items() if n or h]


def counts_json(notifications: int, highlights: int) -> Counts:
    return {"notification_count": notifications, "highlight_count": highlights}


class PushCounts:
    def __init__(self, db: Database, state: StateStore,
                 receipts: ReadReceipts | None = None) -> None:
        self.db = db
        self.store = PushActionsStore(db)
        self.state = state
        self.receipts = receipts
        """The receipts service; set it once it exists (wired at construction or later)."""
        # (user, room) -> what the last count was computed from and its per-thread result.
        # A /sync of a room with many unread rows then counts only the rows added since.
        self._cache: dict[tuple[str, str], _CachedCounts] = {}

    def read_positions(self, user_id: str, room_id: str) -> ReadPositions:
        return ReadPositions(user_id, room_id, self.store.get_own_read(user_id, room_id),
                             self.receipts)

    def unread_counts(self, user_id: str, room_id: str, *,
                      by_thread: bool = False) -> tuple[Counts, dict[str, Counts]]:
        """(room counts, thread counts), each `{"notification_count", "highlight_count"}`;
        the thread counts are keyed by thread root and list only threads with unread rows.

        by_thread=False: the room counts cover the whole room, threads included (sync's
        `unread_notifications` without `unread_thread_notifications`).
        by_thread=True: the room counts cover the main timeline only (sync's
        `unread_notifications` when `unread_thread_notifications` is set).
        """
        per_thread = self._unread_per_thread(user_id, room_id)
        threads = {c.thread_id: counts_json(c.notifications, c.highlights)
                   for c in per_thread if c.thread_id is not None}
        counted = [c for c in per_thread if c.thread_id is None] if by_thread else per_thread
        return counts_json(sum(c.notifications for c in counted),
                           sum(c.highlights for c in counted)), threads

    def total_unread(self, user_id: str) -> int:
        """Unread notifications across every room the user is joined to (the badge
        count sent to push gateways)."""
        return sum(self.unread_counts(user_id, member.room_id)[0]["notification_count"]
                   for member in self.state.list_rooms_of_user(user_id, ["join"]))

    def _unread_per_thread(self, user_id: str, room_id: str) -> list[ThreadCount]:
        """Non-zero counts per thread, from the cache plus the rows added since when the
        read positions have not moved, else counted afresh."""
        read = self.read_positions(user_id, room_id)
        version = self.receipts.receipts_version(user_id, room_id) if self.receipts else 0
        upto = current_stream_position(self.db.conn)
        key = (user_id, room_id)
        cached = self._cache.get(key)
        if cached is not None and cached.floor == read.floor and cached.version == version:
            # Every read position is at or before cached.upto, so each newer row is unread.
            found = _merge(cached.counts, self.store.count_unread(user_id, room_id,
                                                                  cached.upto))
        else:
            found = self._count_afresh(user_id, room_id, read)
        self._cache[key] = _CachedCounts(read.floor, version, upto, found)
        if len(self._cache) > CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        return found

    def forget_room(self, room_id: str) -> None:
        """Rows of the room were deleted (a redaction): count them afresh next time."""
        for key in [k for k in self._cache if k[1] == room_id]:
            del self._cache[key]

    def clear_cache(self) -> None:
        self._cache.clear()

    def _count_afresh(self, user_id: str, room_id: str,
                      read: ReadPositions) -> list[ThreadCount]:
        """One grouped range scan after the floor, then a recount for each thread read
        further than that."""
        found = []
        for counted in self.store.count_unread(user_id, room_id, read.floor):
            position = read.of(counted.thread_id)
            if position > read.floor:
                counted = self.store.count_unread_in_thread(user_id, room_id,
                                                            counted.thread_id, position)
            if counted.notifications or counted.highlights:
                found.append(counted)
        return found

