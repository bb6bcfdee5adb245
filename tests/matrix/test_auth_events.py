"""Auth events selection (server-server API) and rule 2 (v12: 3) on an event's own
`auth_events`; v12's rule 2 (the room ID names an accepted create event)."""

import pytest

from closedserver.matrix.auth_rules import (
    auth_types_for_event,
    check_auth_events,
    check_auth_rules,
    check_event_auth,
    select_auth_event_ids,
)
from closedserver.matrix.errors import AuthError
from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, ROOM_V11, ROOM_V12, RoomVersion
from tests.matrix.factories import ALICE, BOB, CAROL, DAVE, RoomBuilder, standard_room

VERSIONS = [pytest.param(v, id=f"v{v.identifier}") for v in KNOWN_ROOM_VERSIONS.values()]


def state_ids(room: RoomBuilder) -> dict[tuple[str, str], str]:
    return {key: event.event_id for key, event in room.state.items()}


@pytest.mark.parametrize("rv", VERSIONS)
def test_auth_types_of_a_message(rv: RoomVersion) -> None:
    expected = {("m.room.power_levels", ""), ("m.room.member", CAROL)}
    if rv is not ROOM_V12:
        expected.add(("m.room.create", ""))
    assert auth_types_for_event(rv, "m.room.message", None, CAROL, {}) == expected


def test_auth_types_of_member_events() -> None:
    restricted_join = {"membership": "join", "join_authorised_via_users_server": BOB}
    assert auth_types_for_event(ROOM_V12, "m.room.member", DAVE, DAVE, restricted_join) == {
        ("m.room.power_levels", ""), ("m.room.member", DAVE), ("m.room.join_rules", ""),
        ("m.room.member", BOB),
    }  # fmt: skip
    invite = {"membership": "invite", "third_party_invite": {"signed": {"token": "t"}}}
    assert auth_types_for_event(ROOM_V12, "m.room.member", DAVE, CAROL, invite) == {
        ("m.room.power_levels", ""), ("m.room.member", CAROL), ("m.room.member", DAVE),
        ("m.room.join_rules", ""), ("m.room.third_party_invite", "t"),
    }  # fmt: skip
    ban = {"membership": "ban"}
    assert ("m.room.join_rules", "") not in auth_types_for_event(
        ROOM_V11, "m.room.member", DAVE, CAROL, ban
    )
    assert auth_types_for_event(ROOM_V11, "m.room.create", "", ALICE, {}) == set()


@pytest.mark.parametrize("rv", VERSIONS)
def test_select_auth_event_ids_picks_from_current_state(rv: RoomVersion) -> None:
    room = standard_room(rv)
    selected = select_auth_event_ids(
        rv, "m.room.member", DAVE, DAVE, {"membership": "join"}, state_ids(room)
    )
    expected = {room.state[("m.room.power_levels", "")].event_id,
                room.state[("m.room.join_rules", "")].event_id}  # fmt: skip
    if rv is not ROOM_V12:
        expected.add(room.create_event.event_id)
    assert set(selected) == expected  # Dave has no member event yet


@pytest.mark.parametrize("rv", VERSIONS)
def test_correct_auth_events_pass(rv: RoomVersion) -> None:
    room = standard_room(rv)
    message = room.build_message(CAROL)
    auth_events = [room.events[event_id] for event_id in message.auth_event_ids]
    check_event_auth(rv, message, auth_events, room.create_event)


def rebuilt_with_auth_events(room: RoomBuilder, event_ids: list[str]) -> Event:
    event = room.build_message(CAROL)
    return room.rebuild(event, lambda pdu: pdu.update(auth_events=event_ids))


def expect_rejection(room: RoomBuilder, event: Event, rule: str) -> None:
    auth_events = [room.events[event_id] for event_id in event.auth_event_ids]
    with pytest.raises(AuthError, match=f"auth rule {rule} "):
        check_auth_events(room.room_version, event, auth_events)


@pytest.mark.parametrize("rv", VERSIONS)
def test_duplicate_auth_events_are_rejected(rv: RoomVersion) -> None:
    room = standard_room(rv)
    old_member = room.state[("m.room.member", CAROL)]
    room.send_member(CAROL, "join", displayname="Carol")
    event = rebuilt_with_auth_events(room, [*room.build_message(CAROL).auth_event_ids,
                                            old_member.event_id])  # fmt: skip
    expect_rejection(room, event, "3.1" if rv is ROOM_V12 else "2.1")


@pytest.mark.parametrize("rv", VERSIONS)
def test_unexpected_auth_events_are_rejected(rv: RoomVersion) -> None:
    room = standard_room(rv)
    join_rules = room.state[("m.room.join_rules", "")].event_id
    event = rebuilt_with_auth_events(room, [*room.build_message(CAROL).auth_event_ids, join_rules])
    expect_rejection(room, event, "3.2" if rv is ROOM_V12 else "2.2")


def test_v12_rejects_the_create_event_in_auth_events() -> None:
    room = standard_room(ROOM_V12)
    event = rebuilt_with_auth_events(
        room, [*room.build_message(CAROL).auth_event_ids, room.create_event.event_id]
    )
    expect_rejection(room, event, "3.2")


@pytest.mark.parametrize("rv", [ROOM_V11, KNOWN_ROOM_VERSIONS["10"]])
def test_v10_and_v11_require_the_create_event_in_auth_events(rv: RoomVersion) -> None:
    room = standard_room(rv)
    auth_events = [i for i in room.build_message(CAROL).auth_event_ids
                   if i != room.create_event.event_id]  # fmt: skip
    expect_rejection(room, rebuilt_with_auth_events(room, auth_events), "2.4")


@pytest.mark.parametrize("rv", VERSIONS)
def test_rejected_auth_events_are_rejected(rv: RoomVersion) -> None:
    room = standard_room(rv)
    message = room.build_message(CAROL)
    member_id = room.state[("m.room.member", CAROL)].event_id
    room.events[member_id] = room.events[member_id].with_rejected_reason("auth")
    expect_rejection(room, message, "3.3" if rv is ROOM_V12 else "2.3")


@pytest.mark.parametrize("rv", VERSIONS)
def test_auth_events_from_another_room_are_rejected(rv: RoomVersion) -> None:
    room = standard_room(rv)
    other = RoomBuilder(rv, creator=BOB)
    bob_join = other.send_member(BOB, "join")
    room.events[bob_join.event_id] = bob_join
    event = room.rebuild(room.build_message(BOB), lambda pdu: pdu.update(
        auth_events=[i if i != room.state[("m.room.member", BOB)].event_id else bob_join.event_id
                     for i in pdu["auth_events"]]))  # fmt: skip
    expect_rejection(room, event, "3.5" if rv is ROOM_V12 else "2.5")


def test_missing_auth_events_are_reported() -> None:
    room = standard_room(ROOM_V12)
    message = room.build_message(CAROL)
    with pytest.raises(AuthError, match="not available"):
        check_auth_events(ROOM_V12, message, [])


def test_v12_room_id_must_be_the_create_event_id() -> None:
    room = standard_room(ROOM_V12)
    other = RoomBuilder(ROOM_V12, creator=BOB)
    message = room.build_message(CAROL)
    with pytest.raises(AuthError, match="auth rule 2 "):
        check_auth_rules(ROOM_V12, message, room.state, other.create_event)


def test_v12_create_event_must_not_be_rejected() -> None:
    room = standard_room(ROOM_V12)
    rejected_create = room.create_event.with_rejected_reason("bad")
    with pytest.raises(AuthError, match="auth rule 2 "):
        check_auth_rules(ROOM_V12, room.build_message(CAROL), room.state, rejected_create)


def test_create_event_is_taken_from_the_state_when_not_given() -> None:
    room = standard_room(ROOM_V12)
    check_auth_rules(ROOM_V12, room.build_message(CAROL), room.state)


def test_room_version_mismatch_is_a_programming_error() -> None:
    room = standard_room(ROOM_V12)
    with pytest.raises(ValueError):
        check_auth_rules(ROOM_V11, room.build_message(CAROL), room.state, room.create_event)
