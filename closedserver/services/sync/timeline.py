"""The `timeline` of one room in a sync (spec: /sync Timeline, "Syncing").

Events of the room in (since, upto] that the user may see and the timeline filter keeps,
newest first from `upto` until `limit` are found; one more match means the timeline is
`limited` (a gap the client can fill from `prev_batch` with /messages), so a gap is always
reported and never skipped. Every row read on the way is kept (`scanned`), because the
state section rewinds current state through them.

Visibility: events after the user's current join are visible to a joined user without
looking at history visibility; older events go through the full rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.filtering import RoomEventFilter
from closedserver.services.rooms.visibility import Visibility
from closedserver.services.stream_tokens import make_token
from closedserver.services.sync.context import RoomPlan
from closedserver.storage.sync import SyncStore

NEXT_BATCH = 200


@dataclass
class TimelineBatch:
    events: list[StoredEvent] = field(default_factory=list)
    """The timeline, oldest first."""
    memberships: dict[str, str] = field(default_factory=dict)
    """event_id -> the user's membership at that event (`unsigned.membership`)."""
    limited: bool = False
    scanned: list[StoredEvent] = field(default_factory=list)
    """Every event read, newest first: from `upto` down to the oldest timeline event (and
    one beyond when limited), or down to `since` when not limited."""

    @property
    def start(self) -> int | None:
        """Stream position of the first timeline event."""
        return self.events[0].stream_ordering if self.events else None

    def prev_batch(self, upto: int) -> str:
        """A /messages token just before the timeline (or at `upto` when it is empty)."""
        return make_token(self.events[0].stream_ordering - 1 if self.events else upto)


class TimelineReader:
    def __init__(self, events: EventCache, visibility: Visibility, store: SyncStore) -> None:
        self.events = events
        self.visibility = visibility
        self.store = store

    def read(self, user_id: str, plan: RoomPlan, limit: int,
             event_filter: RoomEventFilter) -> TimelineBatch:
        batch = TimelineBatch()
        found: list[StoredEvent] = []
        lower = plan.since or 0
        before = plan.upto + 1
        size = limit + 1
        allows = None if event_filter.keeps_everything() else event_filter.allows
        while True:
            ids = self.store.list_room_event_ids(plan.room_id, after=lower, before=before,
                                                 limit=size)
            loaded = self.events.get_many(ids)
            read = [loaded[event_id] for event_id in ids if event_id in loaded]
            visible = self._visible(user_id, plan, read)
            for stored in read:
                batch.scanned.append(stored)
                membership = visible.get(stored.event.event_id)
                if membership is None or (allows is not None and not allows(stored.event)):
                    continue
                if len(found) >= limit:
                    batch.limited = True
                    break
                found.append(stored)
                batch.memberships[stored.event.event_id] = membership
            if batch.limited or len(ids) < size or not read:
                break
            before = read[-1].stream_ordering
            size = NEXT_BATCH
        found.reverse()
        batch.events = found
        return batch

    def _visible(self, user_id: str, plan: RoomPlan,
                 read: list[StoredEvent]) -> dict[str, str]:
        """event_id -> membership for the visible events of a batch."""
        member = plan.member
        joined_since = member.stream_ordering if member.membership == "join" else None
        visible: dict[str, str] = {}
        others: list[StoredEvent] = []
        for stored in read:
            if joined_since is not None and stored.stream_ordering > joined_since:
                visible[stored.event_id] = "join"
            else:
                others.append(stored)
        if others:
            visible.update(self.visibility.filter_events(user_id, others)[1])
        return visible
