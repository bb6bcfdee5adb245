"""Authorization rule 9 (v12: 10), m.room.power_levels, including v12's creators with
infinite power, for room versions 10, 11 and 12; and the power level helpers."""

import math

import pytest

from closedserver.matrix.auth_rules import (
    get_named_power_level,
    get_required_power_level,
    get_user_power_level,
    room_creators,
)
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from tests.matrix.auth_cases import AuthCase, Case, CaseTable, run_case
from tests.matrix.factories import ALICE, BOB, CAROL, RoomBuilder, standard_room

cases = CaseTable()
FRANK = "@frank:example.org"  # a second moderator (50)
V12_ONLY = {"10": False, "11": False, "12": True}


def moderated_room(rv: RoomVersion) -> RoomBuilder:
    """The standard room where moderators (Bob, Frank: 50) may send power levels."""
    room = standard_room(rv)
    content = room.state[("m.room.power_levels", "")].content
    room.send_power_levels(
        users={**content["users"], FRANK: 50},
        events={**content["events"], "m.room.power_levels": 50},
    )
    return room


def users_with(room: RoomBuilder, **changes: int | None) -> dict[str, int]:
    users = dict(room.state[("m.room.power_levels", "")].content["users"])
    for user_id, level in changes.items():
        user_id = {"bob": BOB, "carol": CAROL, "frank": FRANK, "alice": ALICE}[user_id]
        if level is None:
            users.pop(user_id, None)
        else:
            users[user_id] = level
    return users


def events_with(room: RoomBuilder, event_type: str, level: int) -> dict[str, int]:
    events = dict(room.state[("m.room.power_levels", "")].content["events"])
    events[event_type] = level
    return events


# -- 9.1 to 9.3: value types -------------------------------------------------------
@cases.add("9.1", allowed=False)
def string_power_level(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, ban="50")


@cases.add("9.1", allowed=False)
def boolean_power_level(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, kick=True)


@cases.add("9.2", allowed=False)
def string_level_in_events(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, events={"m.room.name": "50"})


@cases.add("9.2", allowed=False)
def notifications_that_are_not_an_object(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, notifications=["room"])


@cases.add("9.3", allowed=False)
def users_keyed_by_something_else_than_a_user_id(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users={**users_with(room), "carol": 0})


@cases.add("9.3", allowed=False)
def string_level_in_users(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users={**users_with(room), CAROL: "10"})


# -- 9.4: the first power levels event ------------------------------------------------
@cases.add("9.4")
def first_power_levels_may_hold_any_levels(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    room.send_member(ALICE, "join")
    users = {BOB: 1000} if rv.creators_have_infinite_power else {ALICE: 100, BOB: 1000}
    return room, room.build_state(ALICE, "m.room.power_levels", {"users": users, "ban": 9000})


# -- 9.5: named levels ----------------------------------------------------------------
@cases.add("10")
def moderator_lowers_the_kick_level(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, kick=40)


@cases.add("9.5", allowed=False)
def moderator_raises_the_ban_level_above_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, ban=60)


@cases.add("9.5", allowed=False)
def moderator_lowers_a_level_currently_above_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    room.send_power_levels(state_default=75)
    return room, room.build_power_levels(BOB, state_default=50)


@cases.add("9.5", allowed=False)
def moderator_removes_a_level_currently_above_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    room.send_power_levels(redact=75)
    event = room.build_power_levels(BOB)
    return room, room.rebuild(event, lambda pdu: pdu["content"].pop("redact"))


# -- 9.6 and 9.7: events and notifications -----------------------------------------
@cases.add("10")
def moderator_lowers_an_event_level(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, events=events_with(room, "m.room.name", 40))


@cases.add("9.6", allowed=False)
def moderator_lowers_an_event_level_above_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    events = events_with(room, "m.room.history_visibility", 50)
    return room, room.build_power_levels(BOB, events=events)


@cases.add("10")
def moderator_adds_an_event_level_below_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, events=events_with(room, "org.example.x", 40))


@cases.add("9.7", allowed=False)
def moderator_adds_an_event_level_above_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, events=events_with(room, "org.example.x", 60))


@cases.add("9.7", allowed=False)
def moderator_sets_a_notification_level_above_their_own(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, notifications={"room": 60})


# -- 9.8 and 9.9: users ------------------------------------------------------------
@cases.add("10")
def moderator_promotes_a_member_to_their_own_level(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users=users_with(room, carol=50))


@cases.add("9.9", allowed=False)
def moderator_promotes_a_member_above_their_own_level(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users=users_with(room, carol=60))


@cases.add("9.8", allowed=False)
def moderator_demotes_an_equal(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users=users_with(room, frank=0))


@cases.add("9.8", allowed=False)
def moderator_removes_an_equal(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users=users_with(room, frank=None))


@cases.add("10")
def moderator_demotes_themselves(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users=users_with(room, bob=10))


@cases.add("10")
def moderator_demotes_someone_below_them(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    room.send_power_levels(users=users_with(room, carol=20))
    return room, room.build_power_levels(BOB, users=users_with(room, carol=None))


# -- creators ---------------------------------------------------------------------
@cases.add("v12:10.4", allowed={"10": True, "11": True, "12": False})
def creator_listed_in_users(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(ALICE, users=users_with(room, alice=100))


@cases.add({"10": "9.8", "11": "9.8", "12": "v12:10.4"}, allowed=False)
def moderator_demotes_the_creator(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(BOB, users=users_with(room, alice=0))


@cases.add("9.9", allowed=V12_ONLY)
def creator_grants_a_level_above_100(rv: RoomVersion) -> Case:
    room = moderated_room(rv)
    return room, room.build_power_levels(ALICE, users=users_with(room, bob=1000))


@cases.add("9.5", allowed=V12_ONLY)
def additional_creator_raises_the_ban_level(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv, create_content={"additional_creators": [BOB]})
    room.send_member(ALICE, "join")
    users = {} if rv.creators_have_infinite_power else {ALICE: 100, BOB: 50}
    room.send_state(ALICE, "m.room.power_levels", {"users": users})
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "public"})
    room.send_member(BOB, "join")
    return room, room.build_power_levels(BOB, ban=1000)


@pytest.mark.parametrize(("auth_case", "room_version"), cases.parameters())
def test_power_levels_rules(auth_case: AuthCase, room_version: RoomVersion) -> None:
    run_case(auth_case, room_version)


# -- helpers -----------------------------------------------------------------------
@pytest.mark.parametrize("version", ["10", "11", "12"])
def test_user_power_levels(version: str) -> None:
    rv = KNOWN_ROOM_VERSIONS[version]
    room = RoomBuilder(rv, create_content={"additional_creators": [BOB]})
    create = room.create_event
    creator_level = math.inf if rv.creators_have_infinite_power else 100
    # Without a power levels event: creators 100 (v10/v11) or infinite (v12), others 0.
    assert get_user_power_level(ALICE, None, create, rv) == creator_level
    assert get_user_power_level(CAROL, None, create, rv) == 0
    assert get_user_power_level(BOB, None, create, rv) == (math.inf if version == "12" else 0)
    content = {"users": {CAROL: 30}, "users_default": 5}
    assert get_user_power_level(CAROL, content, create, rv) == 30
    assert get_user_power_level(FRANK, content, create, rv) == 5
    assert get_user_power_level(ALICE, content, create, rv) == (
        math.inf if version == "12" else 5
    )


def test_room_creators_per_version() -> None:
    for version, expected in {"10": {ALICE}, "11": {ALICE}, "12": {ALICE, BOB}}.items():
        rv = KNOWN_ROOM_VERSIONS[version]
        room = RoomBuilder(rv, create_content={"additional_creators": [BOB]})
        assert room_creators(rv, room.create_event) == expected


def test_named_and_required_levels_have_the_spec_defaults() -> None:
    assert [get_named_power_level(n, None) for n in ("ban", "kick", "redact", "invite")] == [
        50, 50, 50, 0,
    ]  # fmt: skip
    assert get_required_power_level("m.room.topic", "", None) == 50
    assert get_required_power_level("m.room.message", None, None) == 0
    content = {"events": {"m.room.topic": 10}, "state_default": 20, "events_default": 30}
    assert get_required_power_level("m.room.topic", "", content) == 10
    assert get_required_power_level("m.room.name", "", content) == 20
    assert get_required_power_level("m.room.message", None, content) == 30
    assert get_named_power_level("ban", {"ban": 7}) == 7
