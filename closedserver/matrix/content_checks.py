"""Content checks for the spec's m.room.* state events (data/event-schemas/schema/
m.room.<type>.yaml), for events this server creates on behalf of a client: a failure is a
400 M_BAD_JSON for the client.

Never apply these to events received over federation: other servers accept whatever the
authorization rules accept, and refusing more would split the room.
"""

from collections.abc import Callable, Mapping
from typing import Any

from closedserver.matrix.errors import EventFormatError
from closedserver.matrix.ids import is_valid_room_alias, is_valid_room_id, is_valid_user_id

# A check returns None when the value is fine, else what it should have been.
Check = Callable[[Any], str | None]


def _kind(kind: type, name: str) -> Check:
    return lambda value: None if type(value) is kind else name


STRING = _kind(str, "a string")
BOOLEAN = _kind(bool, "a boolean")
INTEGER = _kind(int, "an integer")


def one_of(*choices: str) -> Check:
    return lambda value: None if value in choices else f"one of {', '.join(choices)}"


def matching(predicate: Callable[[str], bool], name: str) -> Check:
    return lambda value: None if isinstance(value, str) and predicate(value) else name


def nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def list_of(check: Check) -> Check:
    def check_list(value: Any) -> str | None:
        if not isinstance(value, list):
            return "an array"
        problems = [problem for item in value if (problem := check(item))]
        return f"an array of {problems[0]}" if problems else None

    return check_list


def map_of(check: Check, key_check: Check = STRING) -> Check:
    def check_map(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return "an object"
        for key, item in value.items():
            if (problem := key_check(key)) or (problem := check(item)):
                return f"an object of {problem}"
        return None

    return check_map


def object_with(fields: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check_object(value: Any) -> str | None:
        if not isinstance(value, Mapping):
            return "an object"
        for name in required:
            if name not in value:
                return f"an object with '{name}'"
        for name, check in fields.items():
            if name in value and (problem := check(value[name])):
                return f"an object whose '{name}' is {problem}"
        return None

    return check_object


USER_ID = matching(is_valid_user_id, "a user ID")
ROOM_ID = matching(is_valid_room_id, "a room ID")
ROOM_ALIAS = matching(is_valid_room_alias, "a room alias")
EVENT_ID = matching(lambda text: text.startswith("$"), "an event ID")
MXC_URI = matching(lambda text: text.startswith("mxc://"), "an mxc:// URI")
ALLOW_CONDITION = object_with({"type": STRING, "room_id": ROOM_ID}, required=("type",))
SIGNED_THIRD_PARTY_INVITE = object_with(
    {"mxid": USER_ID, "token": STRING, "signatures": map_of(map_of(STRING))},
    required=("mxid", "signatures", "token"),
)

# event type -> (checks of content fields, required fields)
CONTENT_SCHEMAS: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {
    "m.room.create": ({
        "creator": USER_ID, "m.federate": BOOLEAN, "room_version": STRING, "type": STRING,
        "predecessor": object_with({"room_id": ROOM_ID, "event_id": EVENT_ID}, ("room_id",)),
        "additional_creators": list_of(USER_ID),
    }, ()),
    "m.room.member": ({
        "membership": one_of("invite", "join", "knock", "leave", "ban"),
        "displayname": nullable(STRING), "avatar_url": MXC_URI, "is_direct": BOOLEAN,
        "join_authorised_via_users_server": USER_ID, "reason": STRING,
        "third_party_invite": object_with(
            {"display_name": STRING, "signed": SIGNED_THIRD_PARTY_INVITE},
            ("display_name", "signed"),
        ),
    }, ("membership",)),
    "m.room.power_levels": ({
        **dict.fromkeys(("ban", "events_default", "invite", "kick", "redact",
                         "state_default", "users_default"), INTEGER),
        "events": map_of(INTEGER), "notifications": map_of(INTEGER),
        "users": map_of(INTEGER, key_check=USER_ID),
    }, ()),
    "m.room.join_rules": ({
        "join_rule": one_of("public", "knock", "invite", "private", "restricted",
                            "knock_restricted"),
        "allow": list_of(ALLOW_CONDITION),
    }, ("join_rule",)),
    "m.room.history_visibility": ({
        "history_visibility": one_of("invited", "joined", "shared", "world_readable"),
    }, ("history_visibility",)),
    # The schemas require `name` and `topic`, but their descriptions give absent, null
    # and empty values a meaning (no name / no topic), so clients do send them.
    "m.room.name": ({"name": nullable(STRING)}, ()),
    "m.room.topic": ({"topic": nullable(STRING), "m.topic": object_with({})}, ()),
    "m.room.avatar": ({"url": MXC_URI, "info": object_with({})}, ()),
    "m.room.canonical_alias": ({
        "alias": nullable(matching(lambda a: a == "" or is_valid_room_alias(a), "a room alias")),
        "alt_aliases": list_of(ROOM_ALIAS),
    }, ()),
    "m.room.encryption": ({
        "algorithm": one_of("m.megolm.v1.aes-sha2"),
        "rotation_period_ms": INTEGER, "rotation_period_msgs": INTEGER,
    }, ("algorithm",)),
    "m.room.guest_access": ({"guest_access": one_of("can_join", "forbidden")},
                            ("guest_access",)),
    "m.room.server_acl": ({
        "allow_ip_literals": BOOLEAN, "allow": list_of(STRING), "deny": list_of(STRING),
    }, ()),
    "m.room.tombstone": ({"body": STRING, "replacement_room": ROOM_ID},
                         ("body", "replacement_room")),
    "m.room.pinned_events": ({"pinned": list_of(EVENT_ID)}, ("pinned",)),
}  # fmt: skip


def check_event_content(
    event_type: str, content: Mapping[str, Any], state_key: str | None = None
) -> None:
    """Raise EventFormatError if a locally created m.room.* event is malformed. Other
    event types pass. For state events, also checks the state key: a user ID for
    m.room.member, empty for the others listed here."""
    schema = CONTENT_SCHEMAS.get(event_type)
    if schema is None:
        return
    if not isinstance(content, Mapping):
        raise EventFormatError(f"{event_type}: content must be an object")
    fields, required = schema
    for name in required:
        if name not in content:
            raise EventFormatError(f"{event_type}: '{name}' is required")
    for name, check in fields.items():
        if name in content and (problem := check(content[name])):
            raise EventFormatError(f"{event_type}: '{name}' must be {problem}")
    _check_state_key(event_type, state_key)


def _check_state_key(event_type: str, state_key: str | None) -> None:
    if state_key is None:
        return
    if event_type == "m.room.member":
        if not is_valid_user_id(state_key):
            raise EventFormatError(f"{event_type}: the state_key must be a user ID")
    elif state_key != "":
        raise EventFormatError(f"{event_type}: the state_key must be empty")
