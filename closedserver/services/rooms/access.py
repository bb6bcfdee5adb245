"""Who may do what in a room: lookups the room services share.

Membership and power levels come from current state (for acting now) or from state at an
event (for reading history). The auth rules in matrix/ have the final word on writes; these
checks give clients the spec's errors (403 M_FORBIDDEN, 404 M_NOT_FOUND) before building an
event, and guard reads, which the auth rules do not cover.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from closedserver.errors import Forbidden, NotFound
from closedserver.matrix.auth_rules import (
    get_named_power_level,
    get_required_power_level,
    get_user_power_level,
)
from closedserver.matrix.auth_rules.power_levels import PowerLevel
from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import RoomVersion
from closedserver.services.event_cache import EventCache
from closedserver.services.room_state import (
    CREATE,
    HISTORY_VISIBILITY,
    JOIN_RULES,
    POWER_LEVELS,
    RoomState,
)
from closedserver.storage.rooms import RoomRow, RoomsStore


class RoomAccess:
    def __init__(self, events: EventCache, state: RoomState, rooms: RoomsStore) -> None:
        self.events = events
        self.state = state
        self.rooms = rooms

    def room(self, room_id: str) -> RoomRow:
        room = self.rooms.get_room(room_id)
        if room is None:
            raise NotFound(f"Unknown room {room_id}")
        return room

    def room_version(self, room_id: str) -> RoomVersion:
        version = self.events.room_version(room_id)
        if version is None:
            raise NotFound(f"Unknown room {room_id}")
        return version

    def membership(self, room_id: str, user_id: str) -> str | None:
        return self.state.store.get_membership(room_id, user_id)

    def require_joined(self, room_id: str, user_id: str) -> None:
        """403 unless the user is joined; 404 when the room does not exist at all."""
        if self.membership(room_id, user_id) == "join":
            return
        self.room(room_id)
        raise Forbidden(f"{user_id} is not in room {room_id}")

    def create_event(self, room_id: str) -> Event:
        event = self.state.current_event(room_id, *CREATE)
        if event is None:
            raise NotFound(f"Unknown room {room_id}")
        return event

    def world_readable(self, room_id: str) -> bool:
        """Whether the room's current history visibility is `world_readable`."""
        event = self.state.current_event(room_id, *HISTORY_VISIBILITY)
        return event is not None and event.content.get("history_visibility") == "world_readable"

    def join_rule(self, room_id: str) -> str | None:
        event = self.state.current_event(room_id, *JOIN_RULES)
        rule = event.content.get("join_rule") if event is not None else None
        return rule if isinstance(rule, str) else None

    def power_levels_content(self, room_id: str) -> dict[str, Any] | None:
        event = self.state.current_event(room_id, *POWER_LEVELS)
        return dict(event.content) if event is not None else None

    def user_level(self, room_id: str, user_id: str) -> PowerLevel:
        return self.user_levels(room_id, [user_id])[user_id]

    def user_levels(self, room_id: str, user_ids: Iterable[str]) -> dict[str, PowerLevel]:
        """Several users' levels, reading the room's power levels and creators once."""
        level_of = self._power(room_id)[1]
        return {user_id: level_of(user_id) for user_id in user_ids}

    def has_level(self, room_id: str, user_id: str, action: str) -> bool:
        """Whether the user's level reaches a named level (`ban`, `kick`, `redact`...)."""
        content, level_of = self._power(room_id)
        return level_of(user_id) >= get_named_power_level(action, content)

    def can_send(self, room_id: str, user_id: str, event_type: str,
                 state_key: str | None) -> bool:
        content, level_of = self._power(room_id)
        return level_of(user_id) >= get_required_power_level(event_type, state_key, content)

    def _power(self, room_id: str) -> tuple[dict[str, Any] | None, Callable[[str], PowerLevel]]:
        """The power levels content, and a user's level by it (one state read for both the
        power levels and the create event, whose creators v12 rooms rank above all)."""
        found = self.state.current_events(room_id, [CREATE, POWER_LEVELS])
        create = found.get(CREATE)
        if create is None:
            raise NotFound(f"Unknown room {room_id}")
        levels = found.get(POWER_LEVELS)
        content = dict(levels.content) if levels is not None else None
        version = self.room_version(room_id)
        return content, lambda user_id: get_user_power_level(user_id, content, create, version)
