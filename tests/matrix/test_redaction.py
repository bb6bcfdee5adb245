"""The redaction algorithm: v9 rules for room version 10, v11 rules for 11 and 12."""

from typing import Any

import pytest

from closedserver.matrix.redaction import redact_pdu
from closedserver.matrix.room_versions import ROOM_V10, ROOM_V11, ROOM_V12, RoomVersion

ALL_TOP_LEVEL = {
    "event_id": "$e", "type": "org.example", "room_id": "!r:x", "sender": "@s:x",
    "state_key": "", "content": {}, "hashes": {"sha256": "h"}, "signatures": {"x": {}},
    "depth": 3, "prev_events": ["$p"], "auth_events": ["$a"], "origin_server_ts": 5,
    "origin": "x", "membership": "join", "prev_state": [], "unsigned": {"age": 1},
    "redacts": "$r", "custom": "value",
}  # fmt: skip
V11_KEPT = {"event_id", "type", "room_id", "sender", "state_key", "content", "hashes",
            "signatures", "depth", "prev_events", "auth_events", "origin_server_ts"}  # fmt: skip


def test_v10_keeps_origin_membership_and_prev_state() -> None:
    assert redact_pdu(ROOM_V10, ALL_TOP_LEVEL).keys() == V11_KEPT | {
        "origin", "membership", "prev_state",
    }  # fmt: skip


@pytest.mark.parametrize("rv", [ROOM_V11, ROOM_V12])
def test_v11_and_v12_top_level_keys(rv: RoomVersion) -> None:
    assert redact_pdu(rv, ALL_TOP_LEVEL).keys() == V11_KEPT


def redacted_content(rv: RoomVersion, event_type: str, content: dict[str, Any]) -> dict[str, Any]:
    return redact_pdu(rv, {"type": event_type, "content": content, "unsigned": {}})["content"]


MEMBER = {
    "membership": "join", "displayname": "D", "avatar_url": "mxc://x/y",
    "join_authorised_via_users_server": "@a:x", "reason": "r",
    "third_party_invite": {"display_name": "d", "signed": {"mxid": "@m:x", "token": "t"}},
}  # fmt: skip
CREATE = {"creator": "@c:x", "room_version": "10", "m.federate": False, "type": "m.space",
          "predecessor": {"room_id": "!old:x"}, "additional_creators": ["@d:x"]}  # fmt: skip
POWER_LEVELS = {"ban": 1, "events": {"a": 1}, "events_default": 2, "invite": 3, "kick": 4,
                "redact": 5, "state_default": 6, "users": {"@u:x": 7}, "users_default": 8,
                "notifications": {"room": 9}}  # fmt: skip
JOIN_RULES = {"join_rule": "restricted", "allow": [{"type": "m.room_membership"}], "x": 1}
HISTORY = {"history_visibility": "shared", "x": 1}
REDACTION = {"redacts": "$target", "reason": "spam"}

CASES = [
    # (event type, content, kept by v9 rules (v10), kept by v11 rules (v11, v12))
    ("m.room.member", MEMBER, {"membership", "join_authorised_via_users_server"},
     {"membership", "join_authorised_via_users_server", "third_party_invite"}),
    ("m.room.create", CREATE, {"creator"}, set(CREATE)),
    ("m.room.power_levels", POWER_LEVELS, set(POWER_LEVELS) - {"invite", "notifications"},
     set(POWER_LEVELS) - {"notifications"}),
    ("m.room.join_rules", JOIN_RULES, {"join_rule", "allow"}, {"join_rule", "allow"}),
    ("m.room.history_visibility", HISTORY, {"history_visibility"}, {"history_visibility"}),
    ("m.room.redaction", REDACTION, set(), {"redacts"}),
    ("m.room.message", {"body": "b", "msgtype": "m.text"}, set(), set()),
    ("m.room.name", {"name": "n"}, set(), set()),
]  # fmt: skip


@pytest.mark.parametrize(("event_type", "content", "v9_keys", "v11_keys"), CASES)
def test_content_keys_kept_per_version(
    event_type: str, content: dict[str, Any], v9_keys: set[str], v11_keys: set[str]
) -> None:
    assert redacted_content(ROOM_V10, event_type, content).keys() == v9_keys
    for rv in (ROOM_V11, ROOM_V12):
        assert redacted_content(rv, event_type, content).keys() == v11_keys


def test_v11_keeps_only_the_signed_part_of_third_party_invite() -> None:
    kept = redacted_content(ROOM_V11, "m.room.member", MEMBER)
    assert kept["third_party_invite"] == {"signed": {"mxid": "@m:x", "token": "t"}}
    without_signed = MEMBER | {"third_party_invite": {"display_name": "d"}}
    assert "third_party_invite" not in redacted_content(ROOM_V11, "m.room.member", without_signed)


def test_redaction_does_not_modify_its_input() -> None:
    pdu = {"type": "m.room.member", "content": dict(MEMBER), "unsigned": {"age": 1}}
    redact_pdu(ROOM_V12, pdu)
    assert pdu["content"] == MEMBER and "unsigned" in pdu


def test_missing_or_malformed_content() -> None:
    assert redact_pdu(ROOM_V11, {"type": "m.room.create"}) == {"type": "m.room.create"}
    assert redact_pdu(ROOM_V11, {"type": 5, "content": {"a": 1}}) == {"type": 5, "content": {}}
