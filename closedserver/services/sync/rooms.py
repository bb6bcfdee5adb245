"""The `rooms` section of a sync: which rooms go in `join`, `invite`, `leave` and `knock`,
and how each is reported (spec: /sync Rooms).

Initial sync: every joined room, invite and knock; left and banned rooms only with the
filter's `include_leave`. Incremental sync: joined rooms with something new (events,
typing, receipts, room account data), rooms whose membership changed in the window (a
room joined since the token is reported initial-style, with full state; a leave or ban
always appears in `leave` with the timeline up to it), and with `full_state` every joined
room. The room filter's `rooms`/`not_rooms` apply to all four sections.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from closedserver.services.event_cache import EventCache
from closedserver.services.sync.context import RoomPlan, SyncContext
from closedserver.services.sync.room import RoomBuilder
from closedserver.services.sync.stripped import StrippedState
from closedserver.storage.state import MemberRow

ALL_MEMBERSHIPS = ("join", "invite", "leave", "ban", "knock")
YIELD_AFTER_S = 0.005


@dataclass
class RoomsPlan:
    rooms: list[RoomPlan] = field(default_factory=list)
    invites: list[MemberRow] = field(default_factory=list)
    knocks: list[MemberRow] = field(default_factory=list)

    @property
    def room_ids(self) -> list[str]:
        return [plan.room_id for plan in self.rooms]


class RoomsSection:
    def __init__(self, events: EventCache, builder: RoomBuilder,
                 stripped: StrippedState) -> None:
        self.events = events
        self.builder = builder
        self.stripped = stripped

    # planning

    def plan_initial(self, ctx: SyncContext, memberships: Iterable[MemberRow]) -> RoomsPlan:
        plan = RoomsPlan()
        include_leave = ctx.filter.room.include_leave
        for member in memberships:
            if not ctx.filter.room.allows_room(member.room_id):
                continue
            if member.membership == "join":
                plan.rooms.append(self._room(ctx, member, "join", None))
            elif member.membership in ("leave", "ban"):
                if include_leave and not member.forgotten:
                    plan.rooms.append(self._room(ctx, member, "leave", None))
            else:
                self._stripped(plan, member)
        return plan

    def plan_incremental(self, ctx: SyncContext, changed: Iterable[MemberRow],
                         with_news: set[str], archived: Iterable[MemberRow] = ()) -> RoomsPlan:
        since = ctx.window.since
        assert since is not None
        plan = RoomsPlan()
        planned: set[str] = set()
        allows = ctx.filter.room.allows_room
        for member in changed:
            if not allows(member.room_id):
                continue
            planned.add(member.room_id)
            at_since, left_between = self._membership_at(member, since)
            if member.membership == "join":
                newly = at_since != "join" or left_between
                plan.rooms.append(self._room(ctx, member, "join", None if newly else since))
            elif member.membership in ("leave", "ban"):
                if not member.forgotten:
                    plan.rooms.append(self._room(ctx, member, "leave", since
                                                 if at_since == "join" else None))
            else:
                self._stripped(plan, member)
        full_state = ctx.request.full_state
        for room_id, member in ctx.joined.items():
            if room_id not in planned and allows(room_id) and (
                    full_state or room_id in with_news):
                plan.rooms.append(self._room(ctx, member, "join", since))
        for member in archived:
            if member.room_id not in planned and allows(member.room_id) \
                    and not member.forgotten:
                plan.rooms.append(self._room(ctx, member, "leave", since))
        return plan

    def _room(self, ctx: SyncContext, member: MemberRow, section: str,
              since: int | None) -> RoomPlan:
        upto = ctx.window.upto
        if section == "leave":
            upto = min(upto, member.stream_ordering)
        return RoomPlan(member.room_id, section, member, since, upto,
                        ctx.request.full_state)

    def _stripped(self, plan: RoomsPlan, member: MemberRow) -> None:
        if member.membership == "invite":
            plan.invites.append(member)
        elif member.membership == "knock":
            plan.knocks.append(member)

    def _membership_at(self, member: MemberRow, position: int) -> tuple[str | None, bool]:
        """(the user's membership at `position`, whether they were ever not joined after
        it), walking back through their member events."""
        event_id: str | None = member.event_id
        not_joined_since = False
        while event_id is not None:
            stored = self.events.get(event_id)
            if stored is None:
                break
            if stored.stream_ordering <= position:
                return stored.event.membership, not_joined_since
            not_joined_since = not_joined_since or stored.event.membership != "join"
            event_id = stored.replaces_state
        return None, not_joined_since

    # building

    async def build(self, ctx: SyncContext, plan: RoomsPlan) -> dict[str, Any]:
        """The rooms section; yields to the event loop between rooms on long syncs."""
        self.builder.prefetch_unread_counts(
            ctx, [room.room_id for room in plan.rooms if room.section == "join"])
        join: dict[str, Any] = {}
        leave: dict[str, Any] = {}
        clock = time.perf_counter()
        for room in plan.rooms:
            if room.section == "join":
                built = self.builder.joined(ctx, room)
                if built is not None:
                    join[room.room_id] = built
            else:
                leave[room.room_id] = self.builder.left(ctx, room)
            if time.perf_counter() - clock > YIELD_AFTER_S:
                await asyncio.sleep(0)
                clock = time.perf_counter()
        return {
            "join": join,
            "invite": {m.room_id: self.stripped.invite_room(m) for m in plan.invites},
            "leave": leave,
            "knock": {m.room_id: self.stripped.knock_room(m) for m in plan.knocks},
        }
