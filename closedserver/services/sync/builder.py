"""One /sync computation: the window, the few queries that find what changed, then the
sections (spec: GET /sync response).

An incremental sync first asks cheap, indexed questions (has the stream moved at all;
which of my rooms have events, membership changes, account data, receipts, presence in
the window) and builds only the rooms with news, so an empty incremental sync costs a
handful of queries whatever the number of rooms. Every read is bounded by the window's
`upto`, so the answer is consistent even though long syncs yield to the event loop.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from closedserver.services.sync.account_data import AccountDataSection
from closedserver.services.sync.context import (
    Prefetched,
    SyncContext,
    SyncRequest,
    Window,
)
from closedserver.services.sync.e2ee import E2eeSections, E2eeSync
from closedserver.services.sync.ephemeral import EphemeralSection
from closedserver.services.sync.presence import PresenceSection
from closedserver.services.sync.rooms import ALL_MEMBERSHIPS, RoomsPlan, RoomsSection
from closedserver.services.sync.sent_members import SentMembersCache
from closedserver.services.typing import Typing
from closedserver.storage.database import Database, current_stream_position
from closedserver.storage.state import MemberRow, StateStore
from closedserver.storage.sync import SyncStore


@dataclass
class SyncResult:
    body: dict[str, Any]
    window: Window
    has_news: bool


class SyncBuilder:
    def __init__(self, db: Database, members: StateStore, store: SyncStore, typing: Typing,
                 rooms: RoomsSection, ephemeral: EphemeralSection,
                 account_data: AccountDataSection, presence: PresenceSection,
                 e2ee: E2eeSync) -> None:
        self.db = db
        self.members = members
        self.store = store
        self.typing = typing
        self.rooms = rooms
        self.ephemeral = ephemeral
        self.account_data = account_data
        self.presence = presence
        self.e2ee = e2ee
        self.sent_members = SentMembersCache()

    def window(self, request: SyncRequest) -> Window:
        upto = current_stream_position(self.db.conn)
        serial = self.typing.serial
        since = request.since
        if since is None:
            return Window(None, upto, 0, serial)
        return Window(min(since.position, upto), upto, since.typing, serial)

    def moved_past(self, window: Window) -> bool:
        """Whether anything was written or typed after the window was taken."""
        return self.typing.serial != window.typing or \
            current_stream_position(self.db.conn) != window.upto

    async def build(self, request: SyncRequest, window: Window) -> SyncResult:
        e2ee = self.e2ee.device_sections(request.user_id, request.device_id, window)
        if e2ee.upto < window.upto:
            window = dataclasses.replace(window, upto=e2ee.upto)
        if self._nothing_moved(request, window) and not e2ee.has_news:
            return self._result(window, {}, [], [], e2ee)
        ctx = SyncContext(request, window, Prefetched(), joined={},
                          sent_members=self._sent_members(request, window))
        global_account_data = self.account_data.prefetch(request.user_id, window,
                                                         ctx.prefetched)
        plan = self._plan(ctx)
        self._prefetch_state(ctx, plan)
        rooms = await self.rooms.build(ctx, plan)
        self.e2ee.fill_device_lists(ctx, e2ee)
        account_data = self.account_data.global_events(ctx, global_account_data)
        return self._result(window, rooms, self.presence.events(ctx), account_data, e2ee)

    def _nothing_moved(self, request: SyncRequest, window: Window) -> bool:
        return not window.initial and not request.full_state \
            and window.since == window.upto and window.since_typing == window.typing

    def _sent_members(self, request: SyncRequest, window: Window
                      ) -> dict[str, dict[str, str]] | None:
        state_filter = request.filter.room.state
        if not state_filter.lazy_load_members or state_filter.include_redundant_members:
            return None
        return self.sent_members.for_device(request.user_id, request.device_id,
                                            fresh=window.initial)

    def _plan(self, ctx: SyncContext) -> RoomsPlan:
        user_id, window = ctx.user_id, ctx.window
        if window.initial:
            memberships = self.members.list_rooms_of_user(user_id, ALL_MEMBERSHIPS)
            ctx.joined = {m.room_id: m for m in memberships if m.membership == "join"}
            self.ephemeral.prefetch_receipts(user_id, window, ctx.joined, ctx.prefetched)
            self.ephemeral.prefetch_typing(window, ctx.joined, ctx.prefetched)
            return self.rooms.plan_initial(ctx, memberships)
        since = window.since or 0
        self.ephemeral.prefetch_receipts(user_id, window, (), ctx.prefetched)
        typing_rooms = self.typing.rooms_changed_since(window.since_typing)
        with_news = set(ctx.prefetched.receipts) | set(ctx.prefetched.account_data) \
            | (typing_rooms or set())
        changed = []
        if since < window.upto:
            changed = self.members.list_membership_changes_since(user_id, since, window.upto)
            with_news |= self.store.list_rooms_with_events(user_id, since, window.upto)
        ctx.joined = self._joined(ctx, with_news, all_rooms=typing_rooms is None)
        self.ephemeral.prefetch_typing(window, ctx.joined, ctx.prefetched)
        archived = []
        if ctx.request.full_state and ctx.filter.room.include_leave:
            archived = self.members.list_rooms_of_user(user_id, ("leave", "ban"))
        return self.rooms.plan_incremental(ctx, changed, with_news, archived)

    def _joined(self, ctx: SyncContext, with_news: set[str], *,
                all_rooms: bool) -> dict[str, MemberRow]:
        """The user's joined rooms: all of them when the sync needs them all, else only
        those with news (so a quiet incremental sync does not touch every room)."""
        if all_rooms or ctx.request.full_state:
            rows = self.members.list_rooms_of_user(ctx.user_id, ("join",))
        else:
            rows = self.store.list_memberships_in(ctx.user_id, sorted(with_news))
        return {m.room_id: m for m in rows if m.membership == "join"}

    def _prefetch_state(self, ctx: SyncContext, plan: RoomsPlan) -> None:
        """The heads and current state of the rooms that get their full state, each in one
        query (other rooms need them rarely, and read them when they do)."""
        full = [p.room_id for p in plan.rooms if p.since is None or p.full_state]
        if full:
            ctx.prefetched.heads = self.store.get_last_stream_orderings(full)
            ctx.prefetched.current_state = self.store.list_current_state(full)

    def _result(self, window: Window, rooms: dict[str, Any], presence: list[dict[str, Any]],
                account_data: list[dict[str, Any]], e2ee: E2eeSections) -> SyncResult:
        rooms = rooms or {"join": {}, "invite": {}, "leave": {}, "knock": {}}
        body = {
            "next_batch": window.next_batch,
            "rooms": rooms,
            "presence": {"events": presence},
            "account_data": {"events": account_data},
            **e2ee.to_json(),
        }
        has_news = any(rooms.values()) or bool(presence or account_data) or e2ee.has_news
        return SyncResult(body, window, has_news)
