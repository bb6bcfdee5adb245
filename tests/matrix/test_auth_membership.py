"""Authorization rule 4 (v12: 5), m.room.member: one allowed and one denied case per rule,
for room versions 10, 11 and 12."""

import pytest

from closedserver.matrix.room_versions import RoomVersion
from tests.matrix.auth_cases import AuthCase, Case, CaseTable, run_case
from tests.matrix.factories import (
    ALICE,
    BOB,
    CAROL,
    DAVE,
    EVE,
    RoomBuilder,
    standard_room,
)

cases = CaseTable()
RESTRICTED = {"allow": [{"type": "m.room_membership", "room_id": "!space:example.org"}]}


# -- 4.1 and 4.2 ---------------------------------------------------------------
@cases.add("4.1", allowed=False)
def member_event_without_membership(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build(CAROL, "m.room.member", {"displayname": "C"}, CAROL)


@cases.add("4.1", allowed=False)
def member_event_without_state_key(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build(CAROL, "m.room.member", {"membership": "join"})


@cases.add("4.2")
def restricted_join_cosigned_by_the_authorising_server(rv: RoomVersion) -> Case:
    room = standard_room(rv, "restricted")
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    join = room.build_member(EVE, "join", join_authorised_via_users_server=BOB)
    return room, room.cosign(join, "example.org")


@cases.add("4.2", allowed=False)
def restricted_join_not_signed_by_the_authorising_server(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    return room, room.build_member(EVE, "join", join_authorised_via_users_server=BOB)


@cases.add("4.2", allowed=False)
def authorising_user_that_is_not_a_user_id(rv: RoomVersion) -> Case:
    room = standard_room(rv, "restricted")
    return room, room.build_member(DAVE, "join", join_authorised_via_users_server="bob")


# -- 4.3 join -------------------------------------------------------------------
@cases.add("4.3.1")
def creator_joins_right_after_create(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.build_member(ALICE, "join")


@cases.add("4.3.4", allowed=False)
def someone_else_joins_right_after_create(rv: RoomVersion) -> Case:
    room = RoomBuilder(rv)
    return room, room.build_member(BOB, "join")


@cases.add("4.3.2", allowed=False)
def join_on_behalf_of_someone_else(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(ALICE, "join", DAVE)


@cases.add("4.3.3", allowed=False)
def banned_user_joins_public_room(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "ban", DAVE)
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.4")
def invited_user_joins_invite_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    room.send_member(CAROL, "invite", DAVE)
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.4", allowed=False)
def uninvited_user_joins_invite_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.4")
def joined_user_changes_profile_in_invite_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    return room, room.build_member(CAROL, "join", displayname="Carol")


@cases.add("4.3.4")
def invited_user_joins_knock_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    room.send_member(DAVE, "knock")
    room.send_member(BOB, "invite", DAVE)
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.4", allowed=False)
def knocking_user_joins_knock_room_without_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    room.send_member(DAVE, "knock")
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.5.1")
def invited_user_joins_restricted_room(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    room.send_member(CAROL, "invite", DAVE)
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.5.3")
def restricted_join_authorised_by_a_member_who_can_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    return room, room.build_member(DAVE, "join", join_authorised_via_users_server=CAROL)


@cases.add("4.3.5.2", allowed=False)
def restricted_join_without_authorising_user(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    return room, room.build_member(DAVE, "join")


@cases.add("4.3.5.2", allowed=False)
def restricted_join_authorised_by_a_non_member(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    room.send_member(CAROL, "leave")
    return room, room.build_member(DAVE, "join", join_authorised_via_users_server=CAROL)


@cases.add("4.3.5.2", allowed=False)
def restricted_join_authorised_by_a_member_who_cannot_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "restricted", **RESTRICTED})
    room.send_power_levels(invite=50)
    return room, room.build_member(DAVE, "join", join_authorised_via_users_server=CAROL)


@cases.add("4.3.5.3")
def knock_restricted_join_with_authorising_user(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "knock_restricted", **RESTRICTED})
    return room, room.build_member(DAVE, "join", join_authorised_via_users_server=BOB)


@cases.add("4.3.6")
def anyone_joins_public_room(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(EVE, "join")


@cases.add("4.3.7", allowed=False)
def join_private_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "private")
    return room, room.build_member(DAVE, "join")


# -- 4.4 invite -----------------------------------------------------------------
@cases.add("4.4.4")
def member_invites_with_invite_level_zero(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    return room, room.build_member(CAROL, "invite", DAVE)


@cases.add("4.4.5", allowed=False)
def member_below_invite_level_invites(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    room.send_power_levels(invite=50)
    return room, room.build_member(CAROL, "invite", DAVE)


@cases.add("4.4.2", allowed=False)
def non_member_invites(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    return room, room.build_member(DAVE, "invite", EVE)


@cases.add("4.4.3", allowed=False)
def invite_a_joined_user(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    return room, room.build_member(BOB, "invite", CAROL)


@cases.add("4.4.3", allowed=False)
def invite_a_banned_user(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    room.send_member(BOB, "ban", DAVE)
    return room, room.build_member(BOB, "invite", DAVE)


@cases.add("4.4.4")
def re_invite_after_a_leave(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    room.send_member(BOB, "leave", CAROL)
    return room, room.build_member(BOB, "invite", CAROL)


# -- 4.5 leave ------------------------------------------------------------------
@cases.add("4.5.1")
def member_leaves(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(CAROL, "leave")


@cases.add("4.5.1")
def invited_user_rejects_the_invite(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    room.send_member(BOB, "invite", DAVE)
    return room, room.build_member(DAVE, "leave")


@cases.add("4.5.1")
def knocking_user_retracts_the_knock(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    room.send_member(DAVE, "knock")
    return room, room.build_member(DAVE, "leave")


@cases.add("4.5.1", allowed=False)
def banned_user_tries_to_leave(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "ban", CAROL)
    return room, room.build_member(CAROL, "leave")


@cases.add("4.5.1", allowed=False)
def stranger_leaves_a_room_never_joined(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(DAVE, "leave")


@cases.add("4.5.2", allowed=False)
def non_member_kicks(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "leave")
    return room, room.build_member(BOB, "leave", CAROL)


@cases.add("4.5.4")
def moderator_kicks_a_member(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(BOB, "leave", CAROL)


@cases.add("4.5.5", allowed=False)
def member_below_kick_level_kicks(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(DAVE, "join")
    return room, room.build_member(CAROL, "leave", DAVE)


@cases.add("4.5.5", allowed=False)
def moderator_kicks_an_equal(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_power_levels(users={**room.state[("m.room.power_levels", "")].content["users"],
                                  CAROL: 50})  # fmt: skip
    return room, room.build_member(BOB, "leave", CAROL)


@cases.add("4.5.5", allowed=False)
def moderator_kicks_the_creator(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(BOB, "leave", ALICE)


@cases.add("4.5.3", allowed=False)
def unban_below_ban_level(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "ban", DAVE)
    room.send_power_levels(ban=75)
    return room, room.build_member(BOB, "leave", DAVE)


@cases.add("4.5.4")
def unban_with_ban_and_kick_levels(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "ban", DAVE)
    return room, room.build_member(BOB, "leave", DAVE)


@cases.add("4.5.5", allowed=False)
def unban_with_ban_but_not_kick_level(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "ban", DAVE)
    room.send_power_levels(kick=75)
    return room, room.build_member(BOB, "leave", DAVE)


# -- 4.6 ban --------------------------------------------------------------------
@cases.add("4.6.2")
def moderator_bans_a_member(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(BOB, "ban", CAROL)


@cases.add("4.6.2")
def moderator_bans_a_stranger_pre_emptively(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(BOB, "ban", EVE)


@cases.add("4.6.1", allowed=False)
def non_member_bans(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_member(BOB, "leave")
    return room, room.build_member(BOB, "ban", CAROL)


@cases.add("4.6.3", allowed=False)
def member_below_ban_level_bans(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(CAROL, "ban", DAVE)


@cases.add("4.6.3", allowed=False)
def moderator_bans_a_higher_user(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(BOB, "ban", ALICE)


@cases.add("4.6.2")
def creator_bans_a_moderator(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(ALICE, "ban", BOB)


# -- 4.7 knock ------------------------------------------------------------------
@cases.add("4.7.3")
def stranger_knocks_on_knock_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    return room, room.build_member(EVE, "knock", reason="let me in")


@cases.add("4.7.3")
def stranger_knocks_on_knock_restricted_room(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    room.send_state(ALICE, "m.room.join_rules", {"join_rule": "knock_restricted", **RESTRICTED})
    return room, room.build_member(DAVE, "knock")


@cases.add("4.7.1", allowed=False)
def knock_on_public_room(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(DAVE, "knock")


@cases.add("4.7.1", allowed=False)
def knock_on_invite_room(rv: RoomVersion) -> Case:
    room = standard_room(rv, "invite")
    return room, room.build_member(DAVE, "knock")


@cases.add("4.7.2", allowed=False)
def knock_for_someone_else(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    return room, room.build_member(CAROL, "knock", DAVE)


@cases.add("4.7.4", allowed=False)
def banned_user_knocks(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    room.send_member(BOB, "ban", DAVE)
    return room, room.build_member(DAVE, "knock")


@cases.add("4.7.4", allowed=False)
def invited_user_knocks(rv: RoomVersion) -> Case:
    room = standard_room(rv, "knock")
    room.send_member(BOB, "invite", DAVE)
    return room, room.build_member(DAVE, "knock")


# -- 4.8 ------------------------------------------------------------------------
@cases.add("4.8", allowed=False)
def unknown_membership(rv: RoomVersion) -> Case:
    room = standard_room(rv)
    return room, room.build_member(CAROL, "dance")


@pytest.mark.parametrize(("auth_case", "room_version"), cases.parameters())
def test_membership_rules(auth_case: AuthCase, room_version: RoomVersion) -> None:
    run_case(auth_case, room_version)
