"""Account data in a sync: the global `account_data` and each room's `account_data`
(spec: module "Client Config"; /sync). One query: everything on an initial sync, what
changed in the window otherwise; filtered by type (global: the filter's `account_data`,
rooms: `room.account_data`)."""

from __future__ import annotations

from typing import Any

import orjson

from closedserver.services.filtering import EventFilter
from closedserver.services.sync.context import Prefetched, SyncContext, Window
from closedserver.storage.account_data import GLOBAL, AccountDataStore


class AccountDataSection:
    def __init__(self, store: AccountDataStore) -> None:
        self.store = store

    def prefetch(self, user_id: str, window: Window, into: Prefetched) -> list[dict[str, Any]]:
        """Fill the per-room account data; return the global events (unfiltered)."""
        if window.since == window.upto:
            return []
        rows = self.store.list_account_data_since(user_id, window.since or 0, window.upto)
        global_events: list[dict[str, Any]] = []
        for room_id, data_type, content in rows:
            event = {"type": data_type, "content": orjson.loads(content)}
            if room_id == GLOBAL:
                global_events.append(event)
            else:
                into.account_data.setdefault(room_id, []).append(event)
        return global_events

    def global_events(self, ctx: SyncContext,
                      events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return _filtered(ctx.filter.account_data, events)

    def room_events(self, ctx: SyncContext, room_id: str) -> list[dict[str, Any]]:
        room_filter = ctx.filter.room.account_data
        if not room_filter.allows_room(room_id):
            return []
        return _filtered(room_filter, ctx.prefetched.account_data.get(room_id, []))


def _filtered(event_filter: EventFilter, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Account data is the user's own: `senders` filters do not apply to it.
    kept = [e for e in events if event_filter.allows_type(e["type"])]
    return kept[:event_filter.limit] if event_filter.limit is not None else kept
