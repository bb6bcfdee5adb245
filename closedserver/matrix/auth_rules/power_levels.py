"""Power levels: who has which level, what an action requires, and the authorization
rule for m.room.power_levels events (v10/v11 rule 9, v12 rule 10; server-server API
"Definitions"; m.room.power_levels schema for the defaults).

Room creators of v12 (create `sender` + `additional_creators`) have an infinite power
level, represented as `math.inf` (`CREATOR_POWER_LEVEL`); every other level is an int.
"""

import math
from collections.abc import Mapping
from typing import Any

from closedserver.matrix.auth_rules.failure import fail
from closedserver.matrix.event import Event
from closedserver.matrix.ids import is_valid_user_id
from closedserver.matrix.room_versions import RoomVersion

CREATOR_POWER_LEVEL = math.inf
PowerLevel = int | float

# Defaults when the key (or the whole m.room.power_levels event) is absent.
NAMED_LEVEL_DEFAULTS = {
    "ban": 50, "kick": 50, "redact": 50, "invite": 0,
    "state_default": 50, "events_default": 0, "users_default": 0,
}
_NAMED_LEVELS = ("users_default", "events_default", "state_default", "ban", "redact", "kick",
                 "invite")
_LEVEL_MAPS = ("events", "notifications")


def room_creators(room_version: RoomVersion, create_event: Event) -> frozenset[str]:
    """The room's creators: in v12 the create `sender` plus `additional_creators`; in v11
    the create `sender`; in v10 `content.creator`."""
    if room_version.creators_have_infinite_power:
        additional = create_event.content.get("additional_creators")
        if not isinstance(additional, list):
            additional = []
        return frozenset((create_event.sender, *(u for u in additional if isinstance(u, str))))
    if room_version.create_event_requires_creator:
        creator = create_event.content.get("creator")
        return frozenset((creator,)) if isinstance(creator, str) else frozenset()
    return frozenset((create_event.sender,))


def get_user_power_level(
    user_id: str,
    power_levels_content: Mapping[str, Any] | None,
    create_event: Event,
    room_version: RoomVersion,
) -> PowerLevel:
    """A user's power level. `power_levels_content` is None when the room has no
    m.room.power_levels event: creators then have 100 (v10/v11), others 0."""
    creators = room_creators(room_version, create_event)
    return user_power_level(user_id, power_levels_content, creators, room_version)


def user_power_level(
    user_id: str,
    power_levels_content: Mapping[str, Any] | None,
    creators: frozenset[str],
    room_version: RoomVersion,
) -> PowerLevel:
    """`get_user_power_level` with the room's creators already known."""
    if room_version.creators_have_infinite_power and user_id in creators:
        return CREATOR_POWER_LEVEL
    if power_levels_content is None:
        return 100 if user_id in creators else 0
    users = power_levels_content.get("users")
    if isinstance(users, Mapping):
        level = users.get(user_id)
        if type(level) is int:
            return level
    return get_named_power_level("users_default", power_levels_content)


def get_named_power_level(name: str, power_levels_content: Mapping[str, Any] | None) -> int:
    """`ban`, `kick`, `redact`, `invite`, `state_default`, `events_default` or
    `users_default`, with the spec's default when absent."""
    if power_levels_content is not None:
        level = power_levels_content.get(name)
        if type(level) is int:
            return level
    return NAMED_LEVEL_DEFAULTS[name]


def get_required_power_level(
    event_type: str, state_key: str | None, power_levels_content: Mapping[str, Any] | None
) -> int:
    """The *required power level* to send an event: `events[type]`, else `state_default`
    for state events (state_key not None) or `events_default` for messages."""
    if power_levels_content is not None:
        events = power_levels_content.get("events")
        if isinstance(events, Mapping):
            level = events.get(event_type)
            if type(level) is int:
                return level
    default = "state_default" if state_key is not None else "events_default"
    return get_named_power_level(default, power_levels_content)


def get_notification_power_level(key: str, power_levels_content: Mapping[str, Any] | None) -> int:
    """The level needed to trigger a notification type (`room` defaults to 50)."""
    if power_levels_content is not None:
        notifications = power_levels_content.get("notifications")
        if isinstance(notifications, Mapping) and type(notifications.get(key)) is int:
            return notifications[key]
    return 50


def check_power_levels_event(
    room_version: RoomVersion,
    event: Event,
    current: Mapping[str, Any] | None,
    sender_level: PowerLevel,
    creators: frozenset[str],
) -> None:
    """Rule 9 (v12: 10) for an m.room.power_levels event. `current` is the content of the
    room's current m.room.power_levels event, or None."""
    new = event.content
    _check_value_types(room_version, new)
    # v12 10.4: creators cannot be listed in `users`.
    if room_version.creators_have_infinite_power:
        listed = [user_id for user_id in new.get("users", {}) if user_id in creators]
        if listed:
            fail(room_version, "v12:10.4", "m.room.power_levels",
                 f"room creators cannot appear in 'users': {', '.join(sorted(listed))}")
    # 9.4: no previous power levels event: allow.
    if current is None:
        return
    _check_named_level_changes(room_version, current, new, sender_level)
    for map_name in _LEVEL_MAPS:
        _check_level_map_changes(room_version, map_name, current, new, sender_level)
    _check_user_level_changes(room_version, event.sender, current, new, sender_level)


def _check_value_types(room_version: RoomVersion, content: Mapping[str, Any]) -> None:
    # 9.1: the named levels must be integers when present.
    for name in _NAMED_LEVELS:
        if name in content and type(content[name]) is not int:
            fail(room_version, "9.1", "m.room.power_levels", f"'{name}' must be an integer")
    # 9.2: `events` and `notifications` must be objects of integers when present.
    for map_name in _LEVEL_MAPS:
        if map_name in content and not _is_int_map(content[map_name]):
            fail(room_version, "9.2", "m.room.power_levels",
                 f"'{map_name}' must be an object whose values are integers")
    # 9.3: `users` must map valid user IDs to integers.
    if "users" in content:
        users = content["users"]
        if not _is_int_map(users) or not all(is_valid_user_id(u) for u in users):
            fail(room_version, "9.3", "m.room.power_levels",
                 "'users' must map valid user IDs to integers")


def _is_int_map(value: object) -> bool:
    return isinstance(value, Mapping) and all(type(v) is int for v in value.values())


def _check_named_level_changes(
    room_version: RoomVersion, current: Mapping[str, Any], new: Mapping[str, Any],
    sender_level: PowerLevel,
) -> None:
    # 9.5: for each named level added, changed or removed, neither the current nor the
    # new value may be higher than the sender's level.
    for name in _NAMED_LEVELS:
        old_value, new_value = current.get(name), new.get(name)
        if old_value == new_value:
            continue
        for which, value in (("current", old_value), ("new", new_value)):
            if type(value) is int and value > sender_level:
                fail(room_version, "9.5", "m.room.power_levels",
                     f"{which} '{name}' level {value} > sender's power level {sender_level}")


def _check_level_map_changes(
    room_version: RoomVersion, map_name: str, current: Mapping[str, Any],
    new: Mapping[str, Any], sender_level: PowerLevel,
) -> None:
    old_map, new_map = _as_map(current.get(map_name)), _as_map(new.get(map_name))
    for key in old_map.keys() | new_map.keys():
        old_value, new_value = old_map.get(key), new_map.get(key)
        if old_value == new_value:
            continue
        # 9.6: an entry changed or removed may not currently be above the sender.
        if type(old_value) is int and old_value > sender_level:
            fail(room_version, "9.6", "m.room.power_levels",
                 f"current '{map_name}.{key}' level {old_value} > sender's power level "
                 f"{sender_level}")
        # 9.7: an entry added or changed may not be set above the sender.
        if type(new_value) is int and new_value > sender_level:
            fail(room_version, "9.7", "m.room.power_levels",
                 f"new '{map_name}.{key}' level {new_value} > sender's power level "
                 f"{sender_level}")


def _check_user_level_changes(
    room_version: RoomVersion, sender: str, current: Mapping[str, Any],
    new: Mapping[str, Any], sender_level: PowerLevel,
) -> None:
    old_users, new_users = _as_map(current.get("users")), _as_map(new.get("users"))
    for user_id in old_users.keys() | new_users.keys():
        old_value, new_value = old_users.get(user_id), new_users.get(user_id)
        if old_value == new_value:
            continue
        # 9.8: another user's entry changed or removed must be below the sender's level.
        if user_id != sender and type(old_value) is int and old_value >= sender_level:
            fail(room_version, "9.8", "m.room.power_levels",
                 f"cannot change the level of {user_id} ({old_value}), which is not below "
                 f"the sender's power level {sender_level}")
        # 9.9: an entry added or changed may not be above the sender's level.
        if type(new_value) is int and new_value > sender_level:
            fail(room_version, "9.9", "m.room.power_levels",
                 f"cannot give {user_id} level {new_value} > sender's power level "
                 f"{sender_level}")


def _as_map(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
