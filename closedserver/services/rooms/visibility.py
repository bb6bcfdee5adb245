"""History visibility: which events of a room a user may see.

Spec: Client-Server API, "History visibility" (module history_visibility.md). For each
event, with the state before it:
1. `world_readable`: anyone may see it.
2. The user's membership at the event was `join`: visible.
3. `shared`, and the user joined the room at some point after the event: visible.
4. `invited`, and the user's membership at the event was `invite`: visible.
5. Otherwise hidden.
A user's own membership events are judged by the membership they set, so users always see
their own join, invite or leave.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.room_state import HISTORY_VISIBILITY, RoomState
from closedserver.storage.state import StateKey

JOINED_FOREVER = 1 << 62


class Visibility:
    def __init__(self, events: EventCache, state: RoomState) -> None:
        self.events = events
        self.state = state

    def filter_events(self, user_id: str, stored_events: Sequence[StoredEvent]
                      ) -> tuple[list[StoredEvent], dict[str, str]]:
        """The visible events (in order) and the user's membership at each of them."""
        visible: list[StoredEvent] = []
        memberships: dict[str, str] = {}
        joined_until: dict[str, int] = {}
        # Events sharing a state group share the state they are judged by.
        by_group: dict[int, tuple[str, str]] = {}
        for stored in stored_events:
            if _is_own_membership(user_id, stored):
                visible.append(stored)
                memberships[stored.event_id] = str(stored.event.content.get("membership"))
                continue
            judged = by_group.get(stored.state_group)
            if judged is None:
                state_ids = self.state.state_ids_at_group(stored.state_group)
                judged = (self._membership_at(user_id, stored, state_ids),
                          self._visibility_at(state_ids))
                by_group[stored.state_group] = judged
            membership, visibility = judged
            if self._allowed(user_id, stored, membership, visibility, joined_until):
                visible.append(stored)
                memberships[stored.event_id] = membership
        return visible, memberships

    def can_see_event(self, user_id: str, stored: StoredEvent) -> bool:
        return bool(self.filter_events(user_id, [stored])[0])

    def take_visible(self, user_id: str, batches: Iterable[Sequence[StoredEvent]], limit: int,
                     keep: Callable[[StoredEvent], bool] = lambda stored: True
                     ) -> tuple[list[StoredEvent], bool]:
        """Up to `limit` events the user may see and `keep` accepts, in the order of the
        batches (read lazily, judged a batch at a time); and whether more such events follow.
        """
        found: list[StoredEvent] = []
        for batch in batches:
            for stored in self.filter_events(user_id, batch)[0]:
                if not keep(stored):
                    continue
                if len(found) == limit:
                    return found, True
                found.append(stored)
        return found, False

    def _allowed(self, user_id: str, stored: StoredEvent, membership: str, visibility: str,
                 joined_until: dict[str, int]) -> bool:
        if visibility == "world_readable" or membership == "join":
            return True
        if visibility == "invited" and membership == "invite":
            return True
        if visibility == "shared":
            room_id = stored.room_id
            if room_id not in joined_until:
                joined_until[room_id] = self._joined_until(room_id, user_id)
            return stored.stream_ordering < joined_until[room_id]
        return False

    def _membership_at(self, user_id: str, stored: StoredEvent,
                       state_ids: Mapping[StateKey, str]) -> str:
        event = stored.event
        if event.type == "m.room.member" and event.state_key == user_id:
            return str(event.content.get("membership", "leave"))
        member_id = state_ids.get(("m.room.member", user_id))
        if member_id is None:
            return "leave"
        member = self.events.get(member_id)
        return str(member.event.content.get("membership", "leave")) if member else "leave"

    def _visibility_at(self, state_ids: Mapping[StateKey, str]) -> str:
        event_id = state_ids.get(HISTORY_VISIBILITY)
        if event_id is None:
            return "shared"
        stored = self.events.get(event_id)
        value = stored.event.content.get("history_visibility") if stored else None
        return value if isinstance(value, str) else "shared"

    def _joined_until(self, room_id: str, user_id: str) -> int:
        """The stream position until which the user was last joined (0: never joined)."""
        member_id = self.state.store.get_current_state_id(room_id, "m.room.member", user_id)
        after: StoredEvent | None = None
        while member_id is not None:
            stored = self.events.get(member_id)
            if stored is None:
                return 0
            if stored.event.content.get("membership") == "join":
                return JOINED_FOREVER if after is None else after.stream_ordering
            after = stored
            member_id = stored.replaces_state
        return 0


def _is_own_membership(user_id: str, stored: StoredEvent) -> bool:
    """The user's own membership events are always theirs to see (a rejected invite or a
    leave would otherwise vanish from their view of the room)."""
    event = stored.event
    return event.type == "m.room.member" and event.state_key == user_id
