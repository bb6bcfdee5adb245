"""Joining, inviting, leaving, kicking, banning, knocking and forgetting."""

from tests.cli.admin_helpers import cli_json, cli_ok
from tests.helpers import (
    assert_matrix_error,
    create_room,
    joined_room_with,
    register,
    send_text,
    unique_name,
)


def membership_of(client, room_id, user_id):
    resp = client.get(f"/rooms/{room_id}/state/m.room.member/{user_id}")
    return resp.json().get("membership") if resp.status_code == 200 else None


def test_join_public_room_by_id_and_by_alias(alice, bob, server):
    alias_name = unique_name("pub")
    room_id = create_room(alice, preset="public_chat", room_alias_name=alias_name)
    resp = bob.post(f"/join/%23{alias_name}:{server.server_name}")
    assert resp.json() == {"room_id": room_id}
    assert room_id in bob.get("/joined_rooms").json()["joined_rooms"]
    carol = register(server.url)
    assert carol.post(f"/rooms/{room_id}/join").json() == {"room_id": room_id}


def test_invite_only_room_needs_an_invite(alice, bob):
    room_id = create_room(alice)
    body = assert_matrix_error(bob.post(f"/join/{room_id}"), 403, "M_FORBIDDEN")
    assert "join" in body["error"]
    assert alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id}).status_code == 200
    assert bob.post(f"/join/{room_id}").status_code == 200
    assert membership_of(alice, room_id, bob.user_id) == "join"


def test_invite_errors(alice, bob, server):
    room_id = create_room(alice)
    assert_matrix_error(alice.post(f"/rooms/{room_id}/invite", {"user_id": "@x:elsewhere.org"}),
                        403, "M_FORBIDDEN")
    assert_matrix_error(alice.post(f"/rooms/{room_id}/invite", {"user_id": "@nobody:localhost"}),
                        404, "M_NOT_FOUND")
    assert_matrix_error(alice.post(f"/rooms/{room_id}/invite", {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(bob.post(f"/rooms/{room_id}/invite", {"user_id": alice.user_id}),
                        403, "M_FORBIDDEN")
    assert_matrix_error(alice.post("/rooms/!unknown:localhost/invite", {"user_id": bob.user_id}),
                        404, "M_NOT_FOUND")


def test_unknown_rooms_cannot_be_joined(bob):
    assert_matrix_error(bob.post("/join/!nope:elsewhere.org"), 404, "M_NOT_FOUND")
    assert_matrix_error(bob.post("/join/%23nope:localhost"), 404, "M_NOT_FOUND")


def test_leave_and_reject_invite(alice, bob, server):
    room_id = joined_room_with(alice, bob)
    assert bob.post(f"/rooms/{room_id}/leave", {"reason": "bye"}).status_code == 200
    assert membership_of(alice, room_id, bob.user_id) == "leave"
    carol = register(server.url)
    alice.post(f"/rooms/{room_id}/invite", {"user_id": carol.user_id})
    assert carol.post(f"/rooms/{room_id}/leave").status_code == 200
    assert membership_of(alice, room_id, carol.user_id) == "leave"
    assert_matrix_error(register(server.url).post(f"/rooms/{room_id}/leave"), 403,
                        "M_FORBIDDEN")


def test_kick_needs_power_and_a_member(alice, bob, server):
    carol = register(server.url)
    room_id = joined_room_with(alice, bob, carol)
    assert_matrix_error(bob.post(f"/rooms/{room_id}/kick", {"user_id": carol.user_id}), 403,
                        "M_FORBIDDEN")
    resp = alice.post(f"/rooms/{room_id}/kick", {"user_id": bob.user_id, "reason": "spam"})
    assert resp.status_code == 200
    kicked = alice.get(f"/rooms/{room_id}/state/m.room.member/{bob.user_id}").json()
    assert kicked == {"membership": "leave", "reason": "spam"}
    assert_matrix_error(send_text_raw(bob, room_id), 403, "M_FORBIDDEN")


def send_text_raw(client, room_id):
    return client.put(f"/rooms/{room_id}/send/m.room.message/{unique_name('t')}",
                      {"msgtype": "m.text", "body": "hi"})


def test_ban_blocks_rejoin_until_unban(alice, bob):
    room_id = joined_room_with(alice, bob, preset="public_chat")
    assert alice.post(f"/rooms/{room_id}/ban", {"user_id": bob.user_id}).status_code == 200
    assert_matrix_error(bob.post(f"/join/{room_id}"), 403, "M_FORBIDDEN")
    assert_matrix_error(bob.post(f"/rooms/{room_id}/unban", {"user_id": bob.user_id}), 403,
                        "M_FORBIDDEN")
    assert alice.post(f"/rooms/{room_id}/unban", {"user_id": bob.user_id}).status_code == 200
    assert bob.post(f"/join/{room_id}").status_code == 200


def test_knock_then_invite(alice, bob):
    room_id = create_room(alice, initial_state=[
        {"type": "m.room.join_rules", "content": {"join_rule": "knock"}}])
    assert bob.post(f"/knock/{room_id}", {"reason": "let me in"}).json() == {"room_id": room_id}
    assert membership_of(alice, room_id, bob.user_id) == "knock"
    assert alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id}).status_code == 200
    assert bob.post(f"/join/{room_id}").status_code == 200


def test_knock_on_invite_only_room_is_refused(alice, bob):
    room_id = create_room(alice)
    assert_matrix_error(bob.post(f"/knock/{room_id}"), 403, "M_FORBIDDEN")


def test_restricted_room_joinable_from_allowed_room(alice, bob):
    space = joined_room_with(alice, bob)
    room_id = create_room(alice, initial_state=[{"type": "m.room.join_rules", "content": {
        "join_rule": "restricted",
        "allow": [{"type": "m.room_membership", "room_id": space}]}}])
    assert bob.post(f"/join/{room_id}").status_code == 200
    member = alice.get(f"/rooms/{room_id}/state/m.room.member/{bob.user_id}").json()
    assert member["join_authorised_via_users_server"] == alice.user_id


def test_forget_only_after_leaving(alice, bob):
    room_id = joined_room_with(alice, bob)
    assert_matrix_error(bob.post(f"/rooms/{room_id}/forget"), 400, "M_BAD_STATE")
    bob.post(f"/rooms/{room_id}/leave")
    assert bob.post(f"/rooms/{room_id}/forget").status_code == 200


def test_join_updates_display_name_in_rooms(alice, bob):
    room_id = joined_room_with(alice, bob)
    bob.put(f"/profile/{bob.user_id}/displayname", {"displayname": "Bobby"})
    member = alice.get(f"/rooms/{room_id}/state/m.room.member/{bob.user_id}").json()
    assert member["displayname"] == "Bobby"
    joined = alice.get(f"/rooms/{room_id}/joined_members").json()["joined"]
    assert joined[bob.user_id]["display_name"] == "Bobby"


def test_deactivated_user_leaves_their_rooms(alice, bob):
    room_id = joined_room_with(alice, bob)
    send_text(bob, room_id, "last words")
    assert bob.post("/account/deactivate", {"auth": bob.password_auth()}).status_code == 200
    assert membership_of(alice, room_id, bob.user_id) == "leave"


def test_member_state_events_get_the_membership_checks_too(server, alice, bob):
    """PUT /state/m.room.member/{userId} is the same membership change as /join, /leave
    and /invite (Synapse routes it through its membership handler too): a blocked room
    cannot be joined, a server notices room cannot be left, remote or unknown users cannot
    be invited this way either. A member's own per-room profile change still works."""
    blocked = create_room(alice, preset="public_chat")
    cli_ok(server, "room", "block", blocked)
    join = bob.put(f"/rooms/{blocked}/state/m.room.member/{bob.user_id}",
                   {"membership": "join"})
    assert_matrix_error(join, 403, "M_FORBIDDEN")
    nick = alice.put(f"/rooms/{blocked}/state/m.room.member/{alice.user_id}",
                     {"membership": "join", "displayname": "Room nick"})
    assert nick.status_code == 200, nick.text
    notices = cli_json(server, "server", "notice", bob.localpart, "Read me")["room_id"]
    leave = bob.put(f"/rooms/{notices}/state/m.room.member/{bob.user_id}",
                    {"membership": "leave"})
    assert_matrix_error(leave, 403, "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM")
    room_id = create_room(alice)
    remote = alice.put(f"/rooms/{room_id}/state/m.room.member/@someone:elsewhere.example",
                       {"membership": "invite"})
    assert_matrix_error(remote, 403, "M_FORBIDDEN")
    unknown = alice.put(f"/rooms/{room_id}/state/m.room.member/@nobody-{room_id[1:6]}:localhost",
                        {"membership": "invite"})
    assert_matrix_error(unknown, 404, "M_NOT_FOUND")
