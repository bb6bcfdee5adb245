"""Each push condition kind (CS API "Push Rules" > "Conditions"), matching and not."""

import pytest

from closedserver.matrix.push import PushContext, PushEvent
from closedserver.matrix.push.conditions import compile_condition, condition_problem

ALICE = "@alice:example.org"


def event(**fields) -> dict:
    base = {"type": "m.room.message", "sender": "@bob:example.org",
            "room_id": "!room:example.org", "event_id": "$e", "content": {"body": "hello"}}
    return {**base, **fields}


def holds(condition: dict, ev: dict, **context) -> bool:
    matcher = compile_condition(condition)
    assert matcher is not None
    ctx = PushContext(**{"user_id": ALICE, "room_member_count": 5, **context})
    return matcher(PushEvent(ev), ctx)


# event_match ---------------------------------------------------------------------------

TOPIC_EVENT = {"content": {"topic": "Lunch plans"}, "event_id": "$143273582443PhrSn:example.org",
               "room_id": "!636q39766251:example.com", "sender": "@example:example.org",
               "state_key": "", "type": "m.room.topic"}


def test_event_match_spec_example():
    assert holds({"kind": "event_match", "key": "content.topic", "pattern": "lunc?*"},
                 TOPIC_EVENT)


@pytest.mark.parametrize("topic", [" lunch", "lunc", None, 5, ["lunch"]])
def test_event_match_spec_non_matches(topic):
    ev = {**TOPIC_EVENT, "content": {"topic": topic}}
    assert not holds({"kind": "event_match", "key": "content.topic", "pattern": "lunc?*"}, ev)


def test_event_match_star_does_not_match_an_absent_property():
    assert not holds({"kind": "event_match", "key": "content.topic", "pattern": "*"},
                     event(content={}))


def test_event_match_on_body_uses_word_boundaries():
    condition = {"kind": "event_match", "key": "content.body", "pattern": "ex*ple"}
    assert holds(condition, event(content={"body": "An example event."}))
    assert holds(condition, event(content={"body": "An exciting triple-whammy"}))
    assert not holds(condition, event(content={"body": "Examples"}))


def test_event_match_on_other_keys_matches_the_whole_value():
    condition = {"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}
    assert holds(condition, event(content={"msgtype": "m.notice"}))
    assert not holds(condition, event(content={"msgtype": "m.notice.extra"}))


def test_event_match_with_escaped_dot_in_key():
    condition = {"kind": "event_match", "key": "content.m\\.relates_to.rel_type",
                 "pattern": "m.thread"}
    assert holds(condition, event(content={"m.relates_to": {"rel_type": "m.thread"}}))
    assert not holds(condition, event(content={"m": {"relates_to": {"rel_type": "m.thread"}}}))


# event_property_is ---------------------------------------------------------------------

CREATE_EVENT = {"content": {"creator": "@example:example.org", "m.federate": True,
                            "predecessor": {"event_id": "$something:example.org",
                                            "room_id": "!oldroom:example.org"},
                            "room_version": "1"},
                "event_id": "$143273582443PhrSn:example.org",
                "room_id": "!636q39766251:example.com", "sender": "@example:example.org",
                "state_key": "", "type": "m.room.create"}


def test_event_property_is_spec_example():
    assert holds({"kind": "event_property_is", "key": "content.m\\.federate", "value": True},
                 CREATE_EVENT)


@pytest.mark.parametrize("federate", ["true", 1, None])
def test_event_property_is_does_not_cast_types(federate):
    ev = {**CREATE_EVENT, "content": {"m.federate": federate}}
    assert not holds({"kind": "event_property_is", "key": "content.m\\.federate",
                      "value": True}, ev)


@pytest.mark.parametrize(("value", "property_value", "expected"), [
    ("m.replace", "m.replace", True),
    ("m.replace", "M.REPLACE", False),  # exact, not case-insensitive
    (1, 1, True),
    (1, True, False),
    (0, False, False),
    (None, None, True),
    (None, "absent", False),
    ("x", ["x"], False),
])
def test_event_property_is_exact_values(value, property_value, expected):
    content = {} if property_value == "absent" else {"p": property_value}
    condition = {"kind": "event_property_is", "key": "content.p", "value": value}
    assert holds(condition, event(content=content)) is expected


# event_property_contains ---------------------------------------------------------------

ALIAS_EVENT = {"content": {"alias": "#somewhere:localhost",
                           "alt_aliases": ["#somewhere:example.org", "#myroom:example.com"]},
               "event_id": "$143273582443PhrSn:example.org", "origin_server_ts": 1432735824653,
               "room_id": "!jEsUZKDJdhlrceRyVU:example.org", "sender": "@example:example.org",
               "state_key": "", "type": "m.room.canonical_alias", "unsigned": {"age": 1234}}


def test_event_property_contains_spec_example():
    assert holds({"kind": "event_property_contains", "key": "content.alt_aliases",
                  "value": "#myroom:example.com"}, ALIAS_EVENT)


def test_event_property_contains_needs_an_exact_element():
    assert not holds({"kind": "event_property_contains", "key": "content.alt_aliases",
                      "value": ":example.com"}, ALIAS_EVENT)


@pytest.mark.parametrize(("value", "array", "expected"), [
    (1, [True, 2], False),
    (True, [1], False),
    (1, [{"a": 1}, 1], True),
    (None, [None], True),
    ("a", "abc", False),  # not an array
    ("a", {"a": 1}, False),
])
def test_event_property_contains_types(value, array, expected):
    condition = {"kind": "event_property_contains", "key": "content.p", "value": value}
    assert holds(condition, event(content={"p": array})) is expected


def test_event_property_contains_absent_property():
    assert not holds({"kind": "event_property_contains", "key": "content.p", "value": "a"},
                     event(content={}))


# contains_display_name -----------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    ("Hi Alice Smith!", True),
    ("alice smith: ping", True),
    ("Alice Smithers", False),
    ("Alice", False),
])
def test_contains_display_name(body, expected):
    condition = {"kind": "contains_display_name"}
    assert holds(condition, event(content={"body": body}),
                 display_name="Alice Smith") is expected


def test_contains_display_name_without_a_display_name_never_matches():
    condition = {"kind": "contains_display_name"}
    assert not holds(condition, event(content={"body": "anything"}), display_name=None)
    assert not holds(condition, event(content={"body": "anything"}), display_name="")


def test_contains_display_name_takes_the_name_literally():
    condition = {"kind": "contains_display_name"}
    assert not holds(condition, event(content={"body": "hi bob"}), display_name="*")
    assert holds(condition, event(content={"body": "hi *"}), display_name="*")


# room_member_count ---------------------------------------------------------------------

@pytest.mark.parametrize(("is_", "count", "expected"), [
    ("2", 2, True), ("2", 3, False),
    ("==2", 2, True), ("==2", 1, False),
    ("<10", 9, True), ("<10", 10, False),
    (">10", 11, True), (">10", 10, False),
    ("<=10", 10, True), ("<=10", 11, False),
    (">=10", 10, True), (">=10", 9, False),
])
def test_room_member_count(is_, count, expected):
    condition = {"kind": "room_member_count", "is": is_}
    assert holds(condition, event(), room_member_count=count) is expected


# sender_notification_permission --------------------------------------------------------

ROOM_PERMISSION = {"kind": "sender_notification_permission", "key": "room"}


def test_sender_notification_permission_defaults_to_50():
    levels = {"users": {"@bob:example.org": 50}}
    assert holds(ROOM_PERMISSION, event(), power_levels=levels)
    levels = {"users": {"@bob:example.org": 49}}
    assert not holds(ROOM_PERMISSION, event(), power_levels=levels)


def test_sender_notification_permission_reads_notifications_levels():
    levels = {"users_default": 10, "notifications": {"room": 10}}
    assert holds(ROOM_PERMISSION, event(), power_levels=levels)
    levels = {"users": {"@bob:example.org": 99}, "notifications": {"room": 100}}
    assert not holds(ROOM_PERMISSION, event(), power_levels=levels)


def test_sender_notification_permission_uses_users_default():
    assert holds(ROOM_PERMISSION, event(), power_levels={"users_default": 50})
    assert not holds(ROOM_PERMISSION, event(), power_levels={})


def test_sender_notification_permission_prefers_an_explicit_sender_level():
    assert holds(ROOM_PERMISSION, event(), power_levels={}, sender_power_level=100)
    assert not holds(ROOM_PERMISSION, event(), power_levels={"users_default": 100},
                     sender_power_level=0)


def test_sender_notification_permission_with_string_levels_from_old_rooms():
    levels = {"users": {"@bob:example.org": "20"}, "notifications": {"room": "20"}}
    assert holds(ROOM_PERMISSION, event(), power_levels=levels)


def test_sender_notification_permission_other_keys_default_to_50():
    condition = {"kind": "sender_notification_permission", "key": "custom"}
    assert holds(condition, event(), power_levels={"users_default": 50})
    assert not holds(condition, event(), power_levels={"users_default": 49})


# unknown and malformed -----------------------------------------------------------------

@pytest.mark.parametrize("condition", [
    {"kind": "org.example.future"},
    {"kind": "event_match", "key": "type"},  # no pattern
    {"kind": "event_match", "pattern": "x"},  # no key
    {"kind": "event_property_is", "key": "content.p"},  # no value
    {"kind": "event_property_is", "key": "content.p", "value": 1.5},
    {"kind": "event_property_is", "key": "content.p", "value": 2**53},
    {"kind": "event_property_contains", "key": "content.p", "value": ["x"]},
    {"kind": "room_member_count", "is": "about 2"},
    {"kind": "room_member_count", "is": 2},
    {"kind": "room_member_count", "is": "=2"},
    {"kind": "sender_notification_permission"},
])
def test_unknown_or_malformed_conditions_never_match(condition):
    assert compile_condition(condition) is None


@pytest.mark.parametrize(("condition", "problem"), [
    ({"kind": "org.example.future", "anything": 1}, None),
    ({"kind": "contains_display_name"}, None),
    ({"kind": "room_member_count", "is": ">=3"}, None),
    ({"kind": "event_property_is", "key": "k", "value": -(2**53) + 1}, None),
    ({"kind": "event_property_is", "key": "k", "value": -(2**53)}, "value"),
    ({"kind": "event_match", "key": 1, "pattern": "x"}, "key"),
    ({"kind": "event_match", "key": "type", "pattern": None}, "pattern"),
    ({"key": "type"}, "kind"),
    ("event_match", "kind"),
])
def test_condition_problem(condition, problem):
    found = condition_problem(condition)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found
