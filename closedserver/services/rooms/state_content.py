"""Checks on the content clients send for the spec's m.room.* state events.

Spec: data/event-schemas/schema/m.room.*.yaml. Malformed content is refused with 400
M_BAD_JSON before an event is built; unknown event types are not checked. (Power level
values are also checked by the auth rules, which refuse non-integers in v10+.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from closedserver.errors import BadJson

JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str, "boolean": bool, "integer": int, "object": dict, "array": list,
}

# event type -> (required keys, {key: (json type, allowed values or None)})
SCHEMAS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, tuple[str, ...] | None]]]] = {
    "m.room.member": (("membership",), {
        "membership": ("string", ("invite", "join", "knock", "leave", "ban")),
        "avatar_url": ("string", None), "is_direct": ("boolean", None),
        "join_authorised_via_users_server": ("string", None), "reason": ("string", None),
        "third_party_invite": ("object", None)}),
    "m.room.power_levels": ((), {
        key: ("integer", None) for key in ("ban", "events_default", "invite", "kick",
                                           "redact", "state_default", "users_default")
    } | {"events": ("object", None), "users": ("object", None),
         "notifications": ("object", None)}),
    "m.room.join_rules": (("join_rule",), {
        "join_rule": ("string", ("public", "knock", "invite", "private", "restricted",
                                 "knock_restricted")),
        "allow": ("array", None)}),
    "m.room.history_visibility": (("history_visibility",), {
        "history_visibility": ("string", ("invited", "joined", "shared", "world_readable"))}),
    "m.room.name": (("name",), {"name": ("string", None)}),
    "m.room.topic": (("topic",), {"topic": ("string", None), "m.topic": ("object", None)}),
    "m.room.avatar": ((), {"url": ("string", None), "info": ("object", None)}),
    "m.room.canonical_alias": ((), {"alias": ("string", None), "alt_aliases": ("array", None)}),
    "m.room.encryption": (("algorithm",), {
        "algorithm": ("string", None), "rotation_period_ms": ("integer", None),
        "rotation_period_msgs": ("integer", None)}),
    "m.room.guest_access": (("guest_access",), {
        "guest_access": ("string", ("can_join", "forbidden"))}),
    "m.room.server_acl": ((), {"allow_ip_literals": ("boolean", None),
                               "allow": ("array", None), "deny": ("array", None)}),
    "m.room.tombstone": (("replacement_room", "body"), {
        "replacement_room": ("string", None), "body": ("string", None)}),
    "m.room.pinned_events": (("pinned",), {"pinned": ("array", None)}),
}


def check_state_content(event_type: str, content: Mapping[str, Any]) -> None:
    """Raise BadJson naming the field when `content` does not fit the event's schema."""
    schema = SCHEMAS.get(event_type)
    if schema is None:
        return
    required, fields = schema
    for key in required:
        if content.get(key) is None:
            raise BadJson(f"{event_type} content needs '{key}'")
    for key, (json_type, allowed) in fields.items():
        if key not in content or (content[key] is None and key not in required):
            continue
        value = content[key]
        expected = JSON_TYPES[json_type]
        if not isinstance(value, expected) or (json_type == "integer"
                                               and isinstance(value, bool)):
            raise BadJson(f"{event_type} '{key}' must be a {json_type}")
        if allowed is not None and value not in allowed:
            raise BadJson(f"{event_type} '{key}' must be one of {', '.join(allowed)}")
    extra = _EXTRA_CHECKS.get(event_type)
    if extra is not None:
        extra(content)


def _check_power_level_maps(content: Mapping[str, Any]) -> None:
    for key in ("events", "users", "notifications"):
        values = content.get(key, {})
        if not all(type(v) is int for v in values.values()):
            raise BadJson(f"m.room.power_levels '{key}' values must be integers")


def _check_string_list(key: str) -> Callable[[Mapping[str, Any]], None]:
    def check(content: Mapping[str, Any]) -> None:
        if not all(isinstance(v, str) for v in content.get(key, [])):
            raise BadJson(f"'{key}' must be a list of strings")
    return check


_EXTRA_CHECKS: dict[str, Callable[[Mapping[str, Any]], None]] = {
    "m.room.power_levels": _check_power_level_maps,
    "m.room.canonical_alias": _check_string_list("alt_aliases"),
    "m.room.pinned_events": _check_string_list("pinned"),
}
