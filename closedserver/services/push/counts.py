"""Unread notification and highlight counts per room and per thread (CS API "Receiving
notifications", "Marking notifications as read", threaded read receipts).

An action row is unread when it comes after where the user has read up to in its thread.
"Read up to" is the most advanced of:
1. the user's unthreaded read receipt (it covers every thread);
2. the latest event they sent in the room: sending reads the room up to it, like an
   unthreaded receipt;
3. their receipt in that thread (`main` for the main timeline).
Receipts are `m.read` or `m.read.private`, whichever is further. The first two give a floor
for every thread, so counting scans only rows after it.

Everything is read for many rooms at once: one statement for the read positions, one for
the counts, whatever the number of rooms (a /sync and a push's badge count need many).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from closedserver.services.receipts import RECEIPT_TYPES
from closedserver.storage.database import Database, current_stream_position
from closedserver.storage.push import MAIN_THREAD, PushActionsStore, ThreadCount
from closedserver.storage.receipts import UNTHREADED
from closedserver.storage.state import StateStore

Counts = dict[str, int]
RoomCounts = tuple[Counts, dict[str, Counts]]
"""(room counts, counts per thread root), see PushCounts.unread_counts."""

CACHE_SIZE = 50_000


@dataclass
class ReadPositions:
    """Where one user has read up to in one room (see the module docstring)."""

    floor: int = 0
    """Read up to here in every thread."""
    threads: dict[str, int] = field(default_factory=dict)
    """Thread receipts: 'main' or a thread root -> position."""

    def of(self, thread_id: str | None) -> int:
        """The read position for a thread root, None meaning the main timeline."""
        key = thread_id if thread_id is not None else MAIN_THREAD
        return max(self.floor, self.threads.get(key, 0))

    def is_read(self, thread_id: str | None, stream_ordering: int) -> bool:
        return stream_ordering <= self.of(thread_id)


@dataclass(frozen=True)
class _CachedCounts:
    read: ReadPositions
    room_epoch: int
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


def _room_counts(per_thread: list[ThreadCount], by_thread: bool) -> RoomCounts:
    threads = {c.thread_id: counts_json(c.notifications, c.highlights)
               for c in per_thread if c.thread_id is not None}
    counted = [c for c in per_thread if c.thread_id is None] if by_thread else per_thread
    return counts_json(sum(c.notifications for c in counted),
                       sum(c.highlights for c in counted)), threads


class PushCounts:
    def __init__(self, db: Database, state: StateStore) -> None:
        self.db = db
        self.store = PushActionsStore(db)
        self.state = state
        # (user, room) -> what the last count was computed from and its per-thread result.
        # A /sync of a room with many unread rows then counts only the rows added since.
        self._cache: dict[tuple[str, str], _CachedCounts] = {}
        self._room_epochs: dict[str, int] = {}
        """Bumped when rows of a room are deleted: its cached counts are then stale."""

    def read_positions(self, user_id: str,
                       room_ids: Iterable[str]) -> dict[str, ReadPositions]:
        """Where the user has read up to in each of these rooms (one query)."""
        found = {room_id: ReadPositions() for room_id in room_ids}
        for mark in self.store.list_read_marks(user_id, list(found), RECEIPT_TYPES):
            read = found[mark.room_id]
            if mark.thread_id == UNTHREADED:
                read.floor = max(read.floor, mark.stream_ordering)
            else:
                read.threads[mark.thread_id] = mark.stream_ordering
        return found

    def unread_counts(self, user_id: str, room_id: str, *,
                      by_thread: bool = False) -> RoomCounts:
        """(room counts, thread counts), each `{"notification_count", "highlight_count"}`;
        the thread counts are keyed by thread root and list only threads with unread rows.

        by_thread=False: the room counts cover the whole room, threads included (sync's
        `unread_notifications` without `unread_thread_notifications`).
        by_thread=True: the room counts cover the main timeline only (sync's
        `unread_notifications` when `unread_thread_notifications` is set).
        """
        return self.unread_counts_of_rooms(user_id, [room_id], by_thread=by_thread)[room_id]

    def unread_counts_of_rooms(self, user_id: str, room_ids: Sequence[str], *,
                               by_thread: bool = False) -> dict[str, RoomCounts]:
        """unread_counts for several rooms, in a few queries whatever their number."""
        if not room_ids:
            return {}
        reads = self.read_positions(user_id, room_ids)
        # Read after the positions, so that every position is at or before it.
        upto = current_stream_position(self.db.conn)
        per_thread = self._unread_per_thread(user_id, reads, upto)
        return {room_id: _room_counts(per_thread[room_id], by_thread) for room_id in reads}

    def total_unread(self, user_id: str) -> int:
        """Unread notifications across every room the user is joined to (the badge
        count sent to push gateways)."""
        rooms = [member.room_id for member in self.state.list_rooms_of_user(user_id, ["join"])]
        return sum(room[0]["notification_count"]
                   for room in self.unread_counts_of_rooms(user_id, rooms).values())

    def forget_room(self, room_id: str) -> None:
        """Rows of the room were deleted (a redaction): count them afresh next time."""
        self._room_epochs[room_id] = self._room_epochs.get(room_id, 0) + 1

    def clear_cache(self) -> None:
        self._cache.clear()

    def _unread_per_thread(self, user_id: str, reads: dict[str, ReadPositions],
                           upto: int) -> dict[str, list[ThreadCount]]:
        """Non-zero counts per thread of each room, up to `upto`: the cached counts plus the
        rows added since when the read positions have not moved, else counted afresh."""
        cached: dict[str, _CachedCounts] = {}
        counted_after: dict[str, int] = {}
        for room_id, read in reads.items():
            entry = self._cache.pop((user_id, room_id), None)
            if entry is not None and entry.read == read \
                    and entry.room_epoch == self._room_epochs.get(room_id, 0):
                # Every read position is at or before entry.upto: each newer row is unread.
                cached[room_id] = entry
                if entry.upto < upto:
                    counted_after[room_id] = entry.upto
            else:
                counted_after[room_id] = read.floor
        added = self.store.count_unread(user_id, counted_after, upto) if counted_after else {}
        found: dict[str, list[ThreadCount]] = {}
        for room_id, read in reads.items():
            entry = cached.get(room_id)
            if entry is not None:
                found[room_id] = _merge(entry.counts, added.get(room_id, []))
            else:
                found[room_id] = self._beyond_thread_receipts(user_id, room_id, read,
                                                              added.get(room_id, []), upto)
            self._remember(user_id, room_id, _CachedCounts(
                read, self._room_epochs.get(room_id, 0), upto, found[room_id]))
        return found

    def _beyond_thread_receipts(self, user_id: str, room_id: str, read: ReadPositions,
                                after_floor: list[ThreadCount],
                                upto: int) -> list[ThreadCount]:
        """Counts after the floor, recounted for each thread read further than that."""
        found = []
        for counted in after_floor:
            position = read.of(counted.thread_id)
            if position > read.floor:
                counted = self.store.count_unread_in_thread(user_id, room_id,
                                                            counted.thread_id, position, upto)
            if counted.notifications or counted.highlights:
                found.append(counted)
        return found

    def _remember(self, user_id: str, room_id: str, entry: _CachedCounts) -> None:
        self._cache[(user_id, room_id)] = entry  # popped before: now the most recent
        if len(self._cache) > CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
