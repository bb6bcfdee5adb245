"""GET /notifications (CS API "Listing Notifications", notifications.yaml): the events a
user was notified about, newest first, from the stored push actions.

Pagination tokens are stream positions: `from` = N lists rows before position N. Rows are
read per room (newest first, from the per-user index) for every room the user has a
membership in, then merged. Events the user can no longer see (history visibility) are
left out; `read` says whether the row is at or before where the user has read up to in its
thread (counts.py).
"""

from __future__ import annotations

from typing import Any

import orjson

from closedserver.errors import InvalidParam
from closedserver.services.event_cache import EventCache
from closedserver.services.push.counts import PushCounts
from closedserver.services.rooms.client_events import ClientEventSerializer
from closedserver.services.rooms.visibility import Visibility
from closedserver.storage.database import Database
from closedserver.storage.push import ActionRow, PushActionsStore
from closedserver.storage.state import StateStore

ALL_POSITIONS = 1 << 62
MEMBERSHIPS = ("join", "invite", "leave", "ban", "knock")
"""Every membership: rooms left keep the notifications the user could see then."""


class Notifications:
    def __init__(self, db: Database, counts: PushCounts, state: StateStore,
                 events: EventCache, visibility: Visibility,
                 serializer: ClientEventSerializer) -> None:
        self.store = PushActionsStore(db)
        self.state = state
        self.counts = counts
        self.events = events
        self.visibility = visibility
        self.serializer = serializer

    def list_notifications(self, user_id: str, *, from_token: str | None, limit: int,
                           only: str | None) -> dict[str, Any]:
        """The response body: `notifications` and, when more may follow, `next_token`."""
        rows = self._newest_rows(user_id, _position(from_token), limit, only == "highlight")
        loaded = self.events.get_many(row.event_id for row in rows)
        visible, _ = self.visibility.filter_events(
            user_id, [loaded[row.event_id] for row in rows if row.event_id in loaded])
        serialized = self.serializer.serialize(visible, user_id=user_id, with_room_id=False)
        events = {stored.event_id: (stored, client) for stored, client
                  in zip(visible, serialized, strict=True)}
        reads = self.counts.read_positions(user_id, {row.room_id for row in rows})
        notifications = []
        for row in rows:
            if row.event_id not in events:
                continue
            stored, client = events[row.event_id]
            notifications.append({
                "actions": orjson.loads(row.actions), "event": client,
                "read": reads[row.room_id].is_read(row.thread_id, row.stream_ordering),
                "room_id": row.room_id, "ts": stored.event.origin_server_ts})
        body: dict[str, Any] = {"notifications": notifications}
        if rows and len(rows) == limit:
            body["next_token"] = str(rows[-1].stream_ordering)
        return body

    def _newest_rows(self, user_id: str, before: int, limit: int,
                     only_highlight: bool) -> list[ActionRow]:
        rows: list[ActionRow] = []
        for member in self.state.list_rooms_of_user(user_id, MEMBERSHIPS):
            rows.extend(self.store.list_actions_in_room(
                user_id, member.room_id, before=before, limit=limit,
                only_highlight=only_highlight))
        rows.sort(key=lambda row: row.stream_ordering, reverse=True)
        return rows[:limit]


def _position(token: str | None) -> int:
    if token is None or token == "":
        return ALL_POSITIONS
    if not token.isdigit():
        raise InvalidParam("from: not a token returned by /notifications")
    return int(token)
