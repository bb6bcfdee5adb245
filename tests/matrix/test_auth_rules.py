"""Authorization rules 1, 3 and 5-10 (v12: 1, 4 and 6-11): one allowed and one denied
case per rule, for room versions 10, 11 and 12. Membership is in test_auth_membership.py,
power levels in test_auth_power_levels.py, the auth events list in test_auth_events.py."""

import pytest

from closedserver.matrix.auth_rules import redaction_applies
from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from tests.matrix.auth_cases import AuthCase, Case, CaseTable, run_case
from tests.matrix.factories import ALICE, BOB, CAROL, DAVE, EVE, RoomBuilder, standard_room

cases = CaseTable()
V10_ONLY = {"10": False, "11": True, "12": True}
V12_ONLY = {"10": True, "11": True, "12": False}


# -- 1 m.room.create ---------------------------------------------------------------
@cases.add("1.5")
def create_event(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.create_event


@cases.add("1.1", allowed=False)
def create_event_with_prev_events(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.rebuild(room.create_event, lambda pdu: pdu.update(
        prev_events=[room.create_event.event_id]))  # fmt: skip


@cases.add("1.2", allowed=False, versions=("10", "11"))
def create_event_whose_room_id_is_on_another_server(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.rebuild(room.create_event, lambda pdu: pdu.update(room_id="!r:other.org"))


@cases.add("1.2", allowed=False, versions=("12",))
def v12_create_event_with_a_room_id(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.rebuild(room.create_event, lambda pdu: pdu.update(room_id=room.room_id))


@cases.add("1.3", allowed=False)
def create_event_with_an_unknown_room_version(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.rebuild(room.create_event, lambda pdu: pdu["content"].update(
        room_version="org.example.unknown"))  # fmt: skip


@cases.add("1.4", allowed=V10_ONLY)
def create_event_without_creator(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.rebuild(room.create_event, lambda pdu: pdu["content"].pop("creator", None))


@cases.add("1.4", allowed=V12_ONLY)
def create_event_with_malformed_additional_creators(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.rebuild(room.create_event, lambda pdu: pdu["content"].update(
        additional_creators=["@ok:example.org", "nope"]))  # fmt: skip


@cases.add("1.5")
def create_event_with_additional_creators(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv, create_content={"additional_creators": [BOB, EVE]})
    return room, room.create_event


# -- 3 m.federate --------------------------------------------------------------------
@cases.add("3", allowed=False)
def remote_user_joins_a_room_that_does_not_federate(rv: RoomVersion) -> Case:
    room = standard_room(rv, create_content={"m.federate": False})
    return room, room.build_member(EVE, "join")


@cases.add("4.3.6")
def local_user_joins_a_room_that_does_not_federate(rv: RoomVersion) -> Case:
    room = standard_room(rv, create_content={"m.federate": False})
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.6")
def remote_user_joins_a_room_that_federates_explicitly(rv: RoomVersion) -> Case:
    room = standard_room(rv, create_content={"m.federate": True})
    return room, room.build_member(EVE, "join")


# -- 5 the sender must be joined ------------------------------------------------------
@cases.add("10")
def member_sends_a_message(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_message(CAROL)


@cases.add("5", allowed=False)
def stranger_sends_a_message(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_message(DAVE)


@cases.add("5", allowed=False)
def invited_user_sends_a_message(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(CAROL, "invite", DAVE)
    return room, room.build_message(DAVE)


@cases.add("5", allowed=False)
def user_who_left_sends_a_message(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(CAROL, "leave")
    return room, room.build_message(CAROL)


# -- 6 m.room.third_party_invite ------------------------------------------------------
THIRD_PARTY_INVITE = {"display_name": "d...@example.com", "key_validity_url": "https://id/v",
                      "public_key": "q8Cw0t0PCwPLcHMaeGHrDUJZcTq3vOAlX0dYv6XWNcQ"}  # fmt: skip


@cases.add("6.1")
def member_with_invite_level_sends_third_party_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_state(CAROL, "m.room.third_party_invite", THIRD_PARTY_INVITE, "tok")


@cases.add("6.1", allowed=False)
def member_below_invite_level_sends_third_party_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_power_levels(invite=10)
    return room, room.build_state(CAROL, "m.room.third_party_invite", THIRD_PARTY_INVITE, "tok")


@cases.add("5", allowed=False)
def stranger_sends_third_party_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_state(DAVE, "m.room.third_party_invite", THIRD_PARTY_INVITE, "tok")


# -- 7 required power level -----------------------------------------------------------
@cases.add("10")
def moderator_sets_the_room_name(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_state(BOB, "m.room.name", {"name": "Room"})


@cases.add("7", allowed=False)
def member_sets_the_room_name(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_state(CAROL, "m.room.name", {"name": "Room"})


@cases.add("7", allowed=False)
def member_sends_state_of_a_type_without_an_events_entry(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_state(CAROL, "org.example.state", {"x": 1})


@cases.add("7", allowed=False)
def member_below_events_default_sends_a_message(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_power_levels(events_default=10)
    return room, room.build_message(CAROL)


@cases.add("7", allowed=False)
def moderator_sets_the_history_visibility_that_needs_100(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    content = {"history_visibility": "joined"}
    return room, room.build_state(BOB, "m.room.history_visibility", content)


@cases.add("10")
def creator_sends_state_in_a_room_without_power_levels(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    room.send_member(ALICE, "join")
    return room, room.build_state(ALICE, "m.room.name", {"name": "Room"})


@cases.add("7", allowed=False)
def member_sends_state_in_a_room_without_power_levels(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    room.send_member(ALICE, "join")
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "public"})
    room.send_member(CAROL, "join")
    return room, room.build_state(CAROL, "m.room.topic", {"topic": "t"})


# -- 8 state keys starting with @ ------------------------------------------------------
@cases.add("10")
def user_sets_state_keyed_by_their_own_user_id(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_power_levels(events={"org.example.status": 0})
    return room, room.build_state(CAROL, "org.example.status", {"s": "ok"}, CAROL)


@cases.add("8", allowed=False)
def user_sets_state_keyed_by_someone_elses_user_id(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_power_levels(events={"org.example.status": 0})
    return room, room.build_state(BOB, "org.example.status", {"s": "ok"}, CAROL)


# -- 10 otherwise allow: redactions are not held to the redact level ----------------
@cases.add("10")
def member_redacts_someone_elses_message(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    message = room.add(room.build_message(BOB))
    return room, room.build(CAROL, "m.room.redaction", {}, redacts=message.event_id)


@cases.add("7", allowed=False)
def redaction_below_the_events_level_for_redactions(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_power_levels(events={"m.room.redaction": 50, "m.room.power_levels": 100})
    message = room.add(room.build_message(CAROL))
    return room, room.build(CAROL, "m.room.redaction", {}, redacts=message.event_id)


@pytest.mark.parametrize(("auth_case", "room_version"), cases.parameters())
def test_auth_rules(auth_case: AuthCase, room_version: RoomVersion) -> None:
    run_case(auth_case, room_version)


# -- handling redactions: is an accepted redaction applied? ------------------------------
@pytest.mark.parametrize("version", ["10", "11", "12"])
def test_redactions_apply_with_the_redact_level_or_from_the_same_server(version: str) -> None:
    rv = KNOWN_ROOM_VERSIONS[version]
    room = standard_room(rv)
    room.send_member(EVE, "join")
    by_carol = room.add(room.build_message(CAROL))
    by_eve = room.add(room.build_message(EVE))
    power_levels = room.state[("m.room.power_levels", "")].content

    def applies(sender: str, target: Event) -> bool:
        redaction = room.build(sender, "m.room.redaction", {}, redacts=target.event_id)
        return redaction_applies(redaction, target, power_levels, room.create_event)

    assert applies(BOB, by_eve)  # the redact level (50)
    assert applies(DAVE, by_carol)  # same server as the original sender
    assert not applies(EVE, by_carol)  # neither
    assert applies(EVE, by_eve)
    redaction = room.build(BOB, "m.room.redaction", {}, redacts=by_carol.event_id)
    assert not redaction_applies(redaction, by_eve, power_levels, room.create_event)
