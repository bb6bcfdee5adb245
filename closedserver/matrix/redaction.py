"""The redaction algorithm (fragments/v9-redactions.md for v10, v11-redactions.md for v11
and v12; v12 changes nothing, its create event keeps all of `content` like v11's).

`redact_pdu` is used to sign events, to compute reference hashes and event IDs, and to
serve redacted events. It returns a new dict; nested values are shared with the input.
"""

from collections.abc import Mapping
from typing import Any

from closedserver.matrix.room_versions import RedactionRules, RoomVersion

_V9_TOP_LEVEL_KEYS = frozenset(
    (
        "event_id", "type", "room_id", "sender", "state_key", "content", "hashes",
        "signatures", "depth", "prev_events", "prev_state", "auth_events", "origin",
        "origin_server_ts", "membership",
    )
)  # fmt: skip
_V11_TOP_LEVEL_KEYS = frozenset(
    (
        "event_id", "type", "room_id", "sender", "state_key", "content", "hashes",
        "signatures", "depth", "prev_events", "auth_events", "origin_server_ts",
    )
)  # fmt: skip

_ALL_KEYS = None  # marker: the event type keeps its whole content

_V9_CONTENT_KEYS: dict[str, frozenset[str] | None] = {
    "m.room.member": frozenset(("membership", "join_authorised_via_users_server")),
    "m.room.create": frozenset(("creator",)),
    "m.room.join_rules": frozenset(("join_rule", "allow")),
    "m.room.power_levels": frozenset(
        ("ban", "events", "events_default", "kick", "redact", "state_default", "users",
         "users_default")
    ),
    "m.room.history_visibility": frozenset(("history_visibility",)),
}
_V11_CONTENT_KEYS: dict[str, frozenset[str] | None] = {
    "m.room.member": frozenset(("membership", "join_authorised_via_users_server")),
    "m.room.create": _ALL_KEYS,
    "m.room.join_rules": frozenset(("join_rule", "allow")),
    "m.room.power_levels": frozenset(
        ("ban", "events", "events_default", "invite", "kick", "redact", "state_default",
         "users", "users_default")
    ),
    "m.room.history_visibility": frozenset(("history_visibility",)),
    "m.room.redaction": frozenset(("redacts",)),
}

_RULES = {
    RedactionRules.V9: (_V9_TOP_LEVEL_KEYS, _V9_CONTENT_KEYS),
    RedactionRules.V11: (_V11_TOP_LEVEL_KEYS, _V11_CONTENT_KEYS),
}


def redact_pdu(room_version: RoomVersion, pdu: Mapping[str, Any]) -> dict[str, Any]:
    """The redacted form of a PDU (or of any event dict) for this room version."""
    top_level_keys, content_keys_by_type = _RULES[room_version.redaction_rules]
    redacted = {key: value for key, value in pdu.items() if key in top_level_keys}
    content = pdu.get("content")
    if isinstance(content, Mapping):
        redacted["content"] = _redact_content(
            room_version, pdu.get("type"), content, content_keys_by_type
        )
    return redacted


def _redact_content(
    room_version: RoomVersion,
    event_type: object,
    content: Mapping[str, Any],
    content_keys_by_type: dict[str, frozenset[str] | None],
) -> dict[str, Any]:
    if not isinstance(event_type, str) or event_type not in content_keys_by_type:
        return {}
    allowed = content_keys_by_type[event_type]
    if allowed is _ALL_KEYS:
        return dict(content)
    kept = {key: value for key, value in content.items() if key in allowed}
    # v11: "m.room.member ... allows the `signed` key of the `third_party_invite` key."
    if room_version.redaction_rules is RedactionRules.V11 and event_type == "m.room.member":
        third_party_invite = content.get("third_party_invite")
        if isinstance(third_party_invite, Mapping) and "signed" in third_party_invite:
            kept["third_party_invite"] = {"signed": third_party_invite["signed"]}
    return kept
