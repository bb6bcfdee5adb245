"""The `state` of one room in a sync: the state before the timeline's first event.

Spec (/sync, "Syncing"): for an initial sync, a room joined since the token, or
`full_state`, the complete state at the start of the timeline; for an incremental sync,
only what changed between `since` and the start of the timeline (so empty unless
`limited` or filtered). Nothing here is recomputed from history: the state at `upto` is
the room's current_state row set (or, for a room that moved on since `upto`, the state
group after the last event up to it), rewound through the state events of the timeline.

Lazy loading (spec: "Lazy-loading room members"): only the member events of the
timeline's senders (plus, for full state, the user and the summary's heroes); member
changes in a gap are always sent; a sender's member event already sent to this device is
left out unless `include_redundant_members`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.room_state import RoomState
from closedserver.services.sync.context import RoomPlan, SyncContext
from closedserver.services.sync.timeline import TimelineBatch
from closedserver.storage.state import StateKey
from closedserver.storage.sync import SyncStore

MEMBER = "m.room.member"


class StateAtStart:
    """The state just before a timeline, read key by key or whole."""

    def __init__(self, one: Callable[[StateKey], str | None],
                 whole: Callable[[], Mapping[StateKey, str]],
                 rewinds: dict[StateKey, str | None]) -> None:
        self._one = one
        self._whole = whole
        self.rewinds = rewinds

    def get(self, key: StateKey) -> str | None:
        if key in self.rewinds:
            return self.rewinds[key]
        return self._one(key)

    def all(self) -> dict[StateKey, str]:
        ids = dict(self._whole())
        for key, event_id in self.rewinds.items():
            if event_id is None:
                ids.pop(key, None)
            else:
                ids[key] = event_id
        return ids


class StateSection:
    def __init__(self, events: EventCache, room_state: RoomState, store: SyncStore) -> None:
        self.events = events
        self.room_state = room_state
        self.store = store

    def at_start(self, ctx: SyncContext, plan: RoomPlan, batch: TimelineBatch) -> StateAtStart:
        rewinds = _rewinds(batch)
        room_id = plan.room_id
        head = ctx.prefetched.heads.get(room_id)
        if head is None:
            head = self.store.get_last_stream_orderings([room_id]).get(room_id, 0)
        if head <= plan.upto:
            current = ctx.prefetched.current_state.get(room_id)
            if current is not None:
                return StateAtStart(current.get, lambda: current, rewinds)
            return StateAtStart(
                lambda key: self.room_state.store.get_current_state_id(room_id, *key),
                lambda: self.room_state.current_state_ids(room_id), rewinds)
        at_upto = self._state_after_last_event(plan, batch)
        return StateAtStart(at_upto.get, lambda: at_upto, rewinds)

    def _state_after_last_event(self, plan: RoomPlan,
                                batch: TimelineBatch) -> Mapping[StateKey, str]:
        last = batch.scanned[0] if batch.scanned else None
        if last is None:
            rows = self.events.store.list_room_events(plan.room_id, after=0,
                                                      before=plan.upto + 1, limit=1,
                                                      backwards=True)
            if not rows:
                return {}
            last = self.events.from_row(rows[0])
        return self.room_state.state_ids_after(last)

    def gap_changes(self, plan: RoomPlan, batch: TimelineBatch) -> dict[StateKey, StoredEvent]:
        """State changed between `since` and the timeline start: the last event per key."""
        assert plan.since is not None
        start = batch.start if batch.start is not None else plan.upto + 1
        if batch.limited:
            gap = [self.events.from_row(row) for row in
                   self.store.list_state_events_between(plan.room_id, plan.since, start)]
        else:
            gap = [s for s in reversed(batch.scanned)
                   if s.stream_ordering < start and s.event.is_state()]
        return {(s.event.type, s.event.state_key or ""): s for s in gap}

    def full(self, ctx: SyncContext, plan: RoomPlan, batch: TimelineBatch,
             heroes: Iterable[str]) -> list[StoredEvent]:
        """The complete state at the timeline start (members lazily, if asked)."""
        ids = self.at_start(ctx, plan, batch).all()
        state_filter = ctx.filter.room.state
        if state_filter.lazy_load_members:
            wanted = _senders(batch) | {ctx.user_id} | set(heroes)
            ids = {key: event_id for key, event_id in ids.items()
                   if key[0] != MEMBER or key[1] in wanted}
        loaded = self.events.get_many(ids.values())
        return self._filtered(ctx, loaded.values())

    def delta(self, ctx: SyncContext, plan: RoomPlan, batch: TimelineBatch,
              gap: dict[StateKey, StoredEvent]) -> list[StoredEvent]:
        """What changed since `since` (plus, lazily, the senders' member events)."""
        chosen = dict(gap)
        if ctx.filter.room.state.lazy_load_members and batch.events:
            at_start = self.at_start(ctx, plan, batch)
            chosen.update(self._sender_members(ctx, plan, at_start, batch, skip=chosen))
        return self._filtered(ctx, chosen.values())

    def _sender_members(self, ctx: SyncContext, plan: RoomPlan, at_start: StateAtStart,
                        batch: TimelineBatch, skip: Mapping[StateKey, StoredEvent]
                        ) -> dict[StateKey, StoredEvent]:
        """The timeline senders' member events at the start, unless already sent."""
        sent = ctx.sent_members.get(plan.room_id, {}) if ctx.sent_members is not None \
            else None
        ids: dict[StateKey, str] = {}
        for sender in _senders(batch):
            key = (MEMBER, sender)
            event_id = at_start.get(key) if key not in skip else None
            if event_id is None or (sent is not None and sent.get(sender) == event_id):
                continue
            ids[key] = event_id
        loaded = self.events.get_many(ids.values())
        return {key: loaded[event_id] for key, event_id in ids.items() if event_id in loaded}

    def _filtered(self, ctx: SyncContext, events: Iterable[StoredEvent]) -> list[StoredEvent]:
        state_filter = ctx.filter.room.state
        kept = list(events) if state_filter.keeps_everything() else [
            s for s in events if state_filter.allows(s.event)]
        kept.sort(key=lambda s: s.stream_ordering)
        return kept


def _rewinds(batch: TimelineBatch) -> dict[StateKey, str | None]:
    """key -> the state before the timeline's first change of it (None: unset)."""
    start = batch.start
    rewinds: dict[StateKey, str | None] = {}
    if start is None:
        return rewinds
    for stored in batch.scanned:
        if stored.stream_ordering < start:
            break
        event = stored.event
        if event.is_state():
            rewinds[(event.type, event.state_key or "")] = stored.replaces_state
    return rewinds


def _senders(batch: TimelineBatch) -> set[str]:
    return {stored.event.sender for stored in batch.events}
