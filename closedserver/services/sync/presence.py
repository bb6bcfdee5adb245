"""The `presence` of a sync (spec: module "Presence"): m.presence events of the users who
share a room with the syncing user (and the user). An initial sync lists everyone not
offline; an incremental one, whoever changed in the window, and those who came to share a
room with the user in it (if not offline). Empty when presence is off."""

from __future__ import annotations

from typing import Any

from closedserver.services.presence import OFFLINE, Presence
from closedserver.services.sync.context import SyncContext, Window
from closedserver.storage.presence import PresenceRow

PRESENCE = "m.presence"


class PresenceSection:
    def __init__(self, presence: Presence) -> None:
        self.presence = presence
        self.store = presence.store

    def events(self, ctx: SyncContext) -> list[dict[str, Any]]:
        presence_filter = ctx.filter.presence
        if not self.presence.enabled:
            return []
        rows = self._rows(ctx.user_id, ctx.window)
        if ctx.new_sharers:
            rows = self._with_new_sharers(rows, ctx.new_sharers - {ctx.user_id})
        events = []
        for row in sorted(rows, key=lambda r: r.stream_id):
            if not presence_filter.allows_fields(PRESENCE, row.user_id):
                continue
            content = self.presence.content(self.presence.from_row(row))
            events.append({"type": PRESENCE, "sender": row.user_id, "content": content})
        if presence_filter.limit is not None:
            events = events[-presence_filter.limit:] if presence_filter.limit else []
        return events

    def _with_new_sharers(self, rows: list[PresenceRow],
                          sharers: set[str]) -> list[PresenceRow]:
        changed = {row.user_id for row in rows}
        extra = [row for row in self.store.list_presence_of(sharers - changed)
                 if row.state != OFFLINE]
        return rows + extra

    def _rows(self, user_id: str, window: Window) -> list[PresenceRow]:
        if window.initial:
            sharing = self.presence.members.users_sharing_a_room(user_id)
            return [row for row in self.store.list_presence_of(sharing)
                    if row.state != OFFLINE]
        if window.since == window.upto:
            return []
        changed = self.store.list_changed_since(window.since or 0, window.upto)
        if not changed:
            return []
        visible = self.presence.members.list_users_sharing_a_room(
            user_id, (r.user_id for r in changed))
        return [row for row in changed if row.user_id in visible]
