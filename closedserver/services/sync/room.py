"""One room of a sync, as `rooms.join[room_id]` or `rooms.leave[room_id]` (spec: /sync
Joined Room, Left Room): timeline, state, summary, ephemeral events, room account data and
unread counts (from the push service, read for all the sync's joined rooms at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.push.counts import PushCounts
from closedserver.services.sync.account_data import AccountDataSection
from closedserver.services.sync.context import RoomPlan, SyncContext
from closedserver.services.sync.ephemeral import EphemeralSection
from closedserver.services.sync.formatting import EventFormatter
from closedserver.services.sync.state import MEMBER, StateSection
from closedserver.services.sync.summary import SummaryReader
from closedserver.services.sync.timeline import TimelineBatch, TimelineReader


class RoomBuilder:
    def __init__(self, events: EventCache, timeline: TimelineReader, state: StateSection,
                 summary: SummaryReader, ephemeral: EphemeralSection,
                 account_data: AccountDataSection, formatter: EventFormatter,
                 counts: PushCounts) -> None:
        self.events = events
        self.timeline = timeline
        self.state = state
        self.summary = summary
        self.ephemeral = ephemeral
        self.account_data = account_data
        self.formatter = formatter
        self.counts = counts

    def joined(self, ctx: SyncContext, plan: RoomPlan) -> dict[str, Any] | None:
        """The room's entry, or None when an incremental sync has nothing for it."""
        batch = self._timeline_batch(ctx, plan)
        state_events, summary = self._state_and_summary(ctx, plan, batch)
        ephemeral = self.ephemeral.events(ctx, plan.room_id)
        account_data = self.account_data.room_events(ctx, plan.room_id)
        full = plan.since is None or plan.full_state
        if not full and not (batch.events or batch.limited or state_events or ephemeral
                             or account_data or summary):
            return None
        self._remember_sent_members(ctx, plan.room_id, state_events, batch.events)
        self._note_new_sharers(ctx, plan, batch)
        room = {
            "timeline": self._timeline_json(ctx, plan, batch),
            "state": {"events": self.formatter.format(ctx, state_events, aggregations=False)},
            "ephemeral": {"events": ephemeral},
            "account_data": {"events": account_data},
            "summary": summary,
        }
        room.update(self._unread_counts(ctx, plan.room_id))
        return room

    def left(self, ctx: SyncContext, plan: RoomPlan) -> dict[str, Any]:
        batch = self._timeline_batch(ctx, plan)
        if self._was_joined_before(plan):
            state_events, _ = self._state_and_summary(ctx, plan, batch, with_summary=False)
        else:
            state_events = []  # a rejected invite or withdrawn knock: the room stays unseen
        return {
            "timeline": self._timeline_json(ctx, plan, batch),
            "state": {"events": self.formatter.format(ctx, state_events, aggregations=False)},
            "account_data": {"events": self.account_data.room_events(ctx, plan.room_id)},
        }

    def prefetch_unread_counts(self, ctx: SyncContext, room_ids: Sequence[str]) -> None:
        """The unread counts of the joined rooms this sync may report, all at once."""
        ctx.prefetched.unread = self.counts.unread_counts_of_rooms(
            ctx.user_id, room_ids, by_thread=ctx.filter.room.timeline.unread_thread_notifications)

    def _unread_counts(self, ctx: SyncContext, room_id: str) -> dict[str, Any]:
        """`unread_notifications`, and per thread when the filter asks for it (spec: then
        the room counts cover the main timeline only)."""
        by_thread = ctx.filter.room.timeline.unread_thread_notifications
        room_counts, thread_counts = ctx.prefetched.unread[room_id]
        counts: dict[str, Any] = {"unread_notifications": room_counts}
        if by_thread and thread_counts:
            counts["unread_thread_notifications"] = thread_counts
        return counts

    # parts

    def _timeline_batch(self, ctx: SyncContext, plan: RoomPlan) -> TimelineBatch:
        return self.timeline.read(ctx.user_id, plan, ctx.request.timeline_limit,
                                  ctx.filter.room.timeline)

    def _timeline_json(self, ctx: SyncContext, plan: RoomPlan,
                       batch: TimelineBatch) -> dict[str, Any]:
        return {"events": self.formatter.format(ctx, batch.events,
                                                memberships=batch.memberships),
                "limited": batch.limited, "prev_batch": batch.prev_batch(plan.upto)}

    def _state_and_summary(self, ctx: SyncContext, plan: RoomPlan, batch: TimelineBatch, *,
                           with_summary: bool = True
                           ) -> tuple[list[StoredEvent], dict[str, Any]]:
        current = ctx.prefetched.current_state.get(plan.room_id)
        if plan.since is None or plan.full_state:
            summary = self.summary.summary(plan.room_id, ctx.user_id, current) \
                if with_summary else {}
            heroes = summary.get("m.heroes", ())
            return self.state.full(ctx, plan, batch, heroes), summary
        gap = self.state.gap_changes(plan, batch)
        changed = any(key[0] == MEMBER for key in gap) or any(
            s.event.type == MEMBER for s in batch.scanned)
        summary = self.summary.summary(plan.room_id, ctx.user_id, current) \
            if with_summary and changed else {}
        return self.state.delta(ctx, plan, batch, gap), summary

    def _was_joined_before(self, plan: RoomPlan) -> bool:
        """Whether the user was ever joined before leaving (walking their member events)."""
        event_id: str | None = plan.member.event_id
        while event_id is not None:
            stored = self.events.get(event_id)
            if stored is None:
                return False
            if stored.event.membership == "join":
                return True
            event_id = stored.replaces_state
        return False

    def _note_new_sharers(self, ctx: SyncContext, plan: RoomPlan,
                          batch: TimelineBatch) -> None:
        """Who joined the user in this room during the window (all members of a room the
        user joined in it)."""
        if ctx.window.initial:
            return
        members = self.state.room_state.store
        if plan.section == "leave":
            ctx.departed.update(members.list_joined_user_ids(plan.room_id))
            return
        if plan.since is None:
            ctx.new_sharers.update(members.list_joined_user_ids(plan.room_id))
            return
        for stored in batch.scanned:
            event = stored.event
            if event.type != MEMBER or not event.state_key:
                continue
            if event.membership == "join":
                ctx.new_sharers.add(event.state_key)
            elif event.membership in ("leave", "ban"):
                ctx.departed.add(event.state_key)

    def _remember_sent_members(self, ctx: SyncContext, room_id: str,
                               *batches: list[StoredEvent]) -> None:
        if ctx.sent_members is None:
            return
        sent = ctx.sent_members.setdefault(room_id, {})
        for events in batches:
            for stored in events:
                if stored.event.type == MEMBER and stored.event.state_key:
                    sent[stored.event.state_key] = stored.event_id
