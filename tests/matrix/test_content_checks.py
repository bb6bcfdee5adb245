"""Content checks of locally created m.room.* events, following the event schemas."""

from typing import Any

import pytest

from closedserver.matrix.content_checks import check_event_content
from closedserver.matrix.errors import EventFormatError

VALID = [
    ("m.room.create", {"room_version": "12", "m.federate": False, "type": "m.space",
                       "predecessor": {"room_id": "!old:example.org", "event_id": "$e"},
                       "additional_creators": ["@b:example.org"]}),
    ("m.room.member", {"membership": "join", "displayname": None, "avatar_url": "mxc://s/m",
                       "is_direct": True, "reason": "hi"}),
    ("m.room.power_levels", {"ban": 50, "users": {"@a:example.org": 100},
                             "events": {"m.room.name": 50}, "notifications": {"room": 50}}),
    ("m.room.join_rules", {"join_rule": "restricted",
                           "allow": [{"type": "m.room_membership", "room_id": "!r:x.org"}]}),
    ("m.room.history_visibility", {"history_visibility": "world_readable"}),
    ("m.room.name", {"name": "Room"}),
    ("m.room.name", {"name": None}),
    ("m.room.topic", {"topic": "", "m.topic": {"m.text": [{"body": ""}]}}),
    ("m.room.avatar", {"url": "mxc://s/m", "info": {"w": 1}}),
    ("m.room.avatar", {}),
    ("m.room.canonical_alias", {"alias": "#a:example.org", "alt_aliases": ["#b:example.org"]}),
    ("m.room.canonical_alias", {"alias": None}),
    ("m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2", "rotation_period_ms": 1}),
    ("m.room.guest_access", {"guest_access": "can_join"}),
    ("m.room.server_acl", {"allow": ["*"], "deny": ["evil.com"], "allow_ip_literals": False}),
    ("m.room.tombstone", {"body": "moved", "replacement_room": "!new:example.org"}),
    ("m.room.pinned_events", {"pinned": ["$a", "$b"]}),
    ("org.example.anything", {"x": [1.5]}),
]  # fmt: skip

INVALID = [
    ("m.room.create", {"m.federate": "no"}, "'m.federate' must be a boolean"),
    ("m.room.create", {"predecessor": {}}, "'predecessor' must be an object with 'room_id'"),
    ("m.room.create", {"additional_creators": ["bob"]}, "an array of a user ID"),
    ("m.room.member", {}, "'membership' is required"),
    ("m.room.member", {"membership": "dance"}, "one of invite, join"),
    ("m.room.member", {"membership": "join", "avatar_url": "http://x"}, "mxc://"),
    ("m.room.member", {"membership": "invite", "third_party_invite": {"display_name": "d"}},
     "with 'signed'"),
    ("m.room.power_levels", {"ban": "50"}, "'ban' must be an integer"),
    ("m.room.power_levels", {"kick": True}, "'kick' must be an integer"),
    ("m.room.power_levels", {"users": {"alice": 1}}, "an object of a user ID"),
    ("m.room.power_levels", {"events": {"m.room.name": None}}, "an object of an integer"),
    ("m.room.join_rules", {}, "'join_rule' is required"),
    ("m.room.join_rules", {"join_rule": "open"}, "must be one of"),
    ("m.room.join_rules", {"join_rule": "restricted", "allow": [{}]}, "with 'type'"),
    ("m.room.history_visibility", {"history_visibility": "everyone"}, "must be one of"),
    ("m.room.name", {"name": 5}, "'name' must be a string"),
    ("m.room.topic", {"topic": ["t"]}, "'topic' must be a string"),
    ("m.room.avatar", {"url": "https://x"}, "mxc://"),
    ("m.room.canonical_alias", {"alias": "room"}, "a room alias"),
    ("m.room.canonical_alias", {"alt_aliases": "#a:x.org"}, "an array"),
    ("m.room.encryption", {"algorithm": "rot13"}, "m.megolm.v1.aes-sha2"),
    ("m.room.guest_access", {"guest_access": "maybe"}, "can_join"),
    ("m.room.server_acl", {"allow": [1]}, "an array of a string"),
    ("m.room.tombstone", {"body": "b"}, "'replacement_room' is required"),
    ("m.room.pinned_events", {"pinned": ["e"]}, "an event ID"),
]  # fmt: skip


@pytest.mark.parametrize(("event_type", "content"), VALID)
def test_valid_content_passes(event_type: str, content: dict[str, Any]) -> None:
    state_key = "@a:example.org" if event_type == "m.room.member" else ""
    check_event_content(event_type, content, state_key)


@pytest.mark.parametrize(("event_type", "content", "message"), INVALID)
def test_invalid_content_is_refused(event_type: str, content: dict[str, Any], message: str) -> None:
    with pytest.raises(EventFormatError, match=message) as failure:
        check_event_content(event_type, content)
    assert str(failure.value).startswith(event_type + ": ")


def test_state_keys() -> None:
    check_event_content("m.room.member", {"membership": "join"}, "@a:example.org")
    with pytest.raises(EventFormatError, match="must be a user ID"):
        check_event_content("m.room.member", {"membership": "join"}, "a")
    with pytest.raises(EventFormatError, match="must be empty"):
        check_event_content("m.room.name", {"name": "n"}, "x")
    check_event_content("org.example.state", {}, "anything")
