"""What push rule evaluation reads: the event, prepared once, and one user's context.

`PushEvent` wraps a client-format event (JSON-decoded dicts) and memoises property look-ups,
so evaluating the same event for every member of a room walks each path once.
`PushContext` carries what the conditions need besides the event (CS API "Conditions":
`contains_display_name`, `room_member_count`, `sender_notification_permission`).
"""

from dataclasses import dataclass
from typing import Any

from .paths import lookup_property

DEFAULT_NOTIFICATION_LEVEL = 50
"""`notifications.<key>` when the power levels do not set it (spec: `room` defaults to 50)."""


class PushEvent:
    """A client-format event prepared for push rule evaluation."""

    __slots__ = ("_lowered", "_values", "event", "room_id", "sender", "type")

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event
        self.sender = event.get("sender")
        self.type = event.get("type")
        self.room_id = event.get("room_id")
        self._values: dict[tuple[str, ...], Any] = {}
        self._lowered: dict[tuple[str, ...], str | None] = {}

    def value(self, path: tuple[str, ...]) -> Any:
        """The property at `path`, or `paths.MISSING`."""
        try:
            return self._values[path]
        except KeyError:
            value = self._values[path] = lookup_property(self.event, path)
            return value

    def lowered_string(self, path: tuple[str, ...]) -> str | None:
        """The property at `path` lower-cased if it is a string, else `None`."""
        try:
            return self._lowered[path]
        except KeyError:
            value = self.value(path)
            lowered = self._lowered[path] = value.lower() if isinstance(value, str) else None
            return lowered


def _as_level(value: Any, default: int) -> int:
    """A power level as an integer; older room versions allowed integer strings."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default


@dataclass(frozen=True, slots=True)
class PushContext:
    """One user's view of the room when an event arrives.

    `power_levels` is the content of the room's current `m.room.power_levels` event.
    `sender_power_level`, when given, is used as is (callers that know the room has no
    power levels event, or that the sender is a room creator, pass it); otherwise the
    sender's level is read from `power_levels` (`users`, then `users_default`, else 0).
    """

    user_id: str
    room_member_count: int
    display_name: str | None = None
    power_levels: dict[str, Any] | None = None
    sender_power_level: int | float | None = None

    def sender_level(self, sender: Any) -> int | float:
        if self.sender_power_level is not None:
            return self.sender_power_level
        levels = self.power_levels or {}
        default = _as_level(levels.get("users_default"), 0)
        users = levels.get("users")
        if isinstance(users, dict) and isinstance(sender, str) and sender in users:
            return _as_level(users[sender], default)
        return default

    def notification_level(self, key: str) -> int:
        notifications = (self.power_levels or {}).get("notifications")
        if isinstance(notifications, dict) and key in notifications:
            return _as_level(notifications[key], DEFAULT_NOTIFICATION_LEVEL)
        return DEFAULT_NOTIFICATION_LEVEL

