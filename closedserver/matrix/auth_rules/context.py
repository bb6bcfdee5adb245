"""What the authorization rules look up about the state an event is checked against."""

from collections.abc import Mapping
from typing import Any

from closedserver.matrix.auth_rules.power_levels import (
    PowerLevel,
    get_named_power_level,
    room_creators,
    user_power_level,
)
from closedserver.matrix.auth_rules.selection import JOIN_RULES, MEMBER, POWER_LEVELS
from closedserver.matrix.event import Event, StateKey
from closedserver.matrix.room_versions import RoomVersion


class AuthContext:
    """The event being checked and the state it is checked against, with the power
    levels content and the room's creators looked up once."""

    __slots__ = ("create_event", "creators", "event", "power_levels", "room_version", "state")

    def __init__(
        self,
        room_version: RoomVersion,
        event: Event,
        state: Mapping[StateKey, Event],
        create_event: Event,
    ) -> None:
        self.room_version = room_version
        self.event = event
        self.state = state
        self.create_event = create_event
        power_levels_event = state.get((POWER_LEVELS, ""))
        self.power_levels: Mapping[str, Any] | None = (
            power_levels_event.content if power_levels_event is not None else None
        )
        self.creators = room_creators(room_version, create_event)

    def level_of(self, user_id: str) -> PowerLevel:
        return user_power_level(user_id, self.power_levels, self.creators, self.room_version)

    def named_level(self, name: str) -> int:
        return get_named_power_level(name, self.power_levels)

    def membership_of(self, user_id: str) -> str | None:
        """The user's current membership (`join`, `invite`, ...) or None."""
        member_event = self.state.get((MEMBER, user_id))
        return member_event.membership if member_event is not None else None

    @property
    def join_rule(self) -> str:
        """The current join rule. A missing m.room.join_rules event (or `join_rule` key)
        counts as `invite`, as in Synapse and ruma: the rules text leaves it open."""
        join_rules_event = self.state.get((JOIN_RULES, ""))
        if join_rules_event is None:
            return "invite"
        join_rule = join_rules_event.content.get("join_rule", "invite")
        return join_rule if isinstance(join_rule, str) else ""
