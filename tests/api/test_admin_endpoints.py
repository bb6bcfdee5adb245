"""The spec's admin endpoints and what suspension blocks."""

from tests.helpers import assert_matrix_error, create_room, joined_room_with, send_text

V1 = "/_matrix/client/v1"


def make_admin(server, client):
    assert server.cli("user", "set-admin", client.user_id, "on").returncode == 0


def test_only_admins_may_lock_or_suspend(server, alice, bob):
    assert_matrix_error(alice.put(f"{V1}/admin/lock/{bob.user_id}", {"locked": True}), 403,
                        "M_FORBIDDEN")
    assert_matrix_error(alice.get(f"{V1}/admin/suspend/{bob.user_id}"), 403, "M_FORBIDDEN")


def test_admin_locks_and_unlocks_a_user(server, alice, bob):
    make_admin(server, alice)
    assert alice.put(f"{V1}/admin/lock/{bob.user_id}", {"locked": True}).json() == {
        "locked": True}
    assert alice.get(f"{V1}/admin/lock/{bob.user_id}").json() == {"locked": True}
    assert_matrix_error(bob.get("/account/whoami"), 401, "M_USER_LOCKED")
    alice.put(f"{V1}/admin/lock/{bob.user_id}", {"locked": False})
    assert bob.get("/account/whoami").status_code == 200
    assert_matrix_error(alice.get(f"{V1}/admin/lock/@nobody:localhost"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.get(f"{V1}/admin/lock/@x:elsewhere.org"), 400, "M_INVALID_PARAM")


def test_whois_for_self_and_admins(server, alice, bob):
    bob.get("/account/whoami")
    assert bob.get(f"/admin/whois/{bob.user_id}").json()["user_id"] == bob.user_id
    assert_matrix_error(bob.get(f"/admin/whois/{alice.user_id}"), 403, "M_FORBIDDEN")
    make_admin(server, alice)
    devices = alice.get(f"/admin/whois/{bob.user_id}").json()["devices"]
    assert bob.device_id in devices


def test_suspended_user_can_read_and_leave_but_not_send_or_join(server, alice, bob):
    room_id = joined_room_with(alice, bob)
    own = send_text(bob, room_id, "before suspension")
    make_admin(server, alice)
    assert alice.put(f"{V1}/admin/suspend/{bob.user_id}", {"suspended": True}).status_code == 200
    assert alice.get(f"{V1}/admin/suspend/{bob.user_id}").json() == {"suspended": True}
    resp = bob.put(f"/rooms/{room_id}/send/m.room.message/s1", {"body": "x"})
    assert_matrix_error(resp, 403, "M_USER_SUSPENDED")
    assert_matrix_error(bob.post("/createRoom", {}), 403, "M_USER_SUSPENDED")
    assert_matrix_error(bob.put(f"/profile/{bob.user_id}/displayname", {"displayname": "x"}),
                        403, "M_USER_SUSPENDED")
    other = create_room(alice, preset="public_chat")
    assert_matrix_error(bob.post(f"/join/{other}"), 403, "M_USER_SUSPENDED")
    assert bob.get(f"/rooms/{room_id}/messages").status_code == 200
    assert bob.put(f"/rooms/{room_id}/redact/{own}/r1", {}).status_code == 200
    assert bob.post(f"/rooms/{room_id}/leave").status_code == 200
    assert_matrix_error(alice.put(f"{V1}/admin/suspend/{alice.user_id}", {"suspended": True}),
                        403, "M_FORBIDDEN")


def test_suspend_from_the_cli(server, alice):
    room_id = create_room(alice)
    assert server.cli("user", "suspend", alice.localpart).returncode == 0
    assert_matrix_error(alice.put(f"/rooms/{room_id}/send/m.room.message/s2", {"body": "x"}),
                        403, "M_USER_SUSPENDED")
    assert server.cli("user", "unsuspend", alice.localpart).returncode == 0
    send_text(alice, room_id, "back")


def test_admins_cannot_lock_or_suspend_other_admins(server, alice, bob):
    """Spec (admin.yaml): 403 when "the target user is another administrator"."""
    make_admin(server, alice)
    make_admin(server, bob)
    assert_matrix_error(alice.put(f"{V1}/admin/lock/{bob.user_id}", {"locked": True}), 403,
                        "M_FORBIDDEN")
    assert_matrix_error(alice.put(f"{V1}/admin/suspend/{bob.user_id}", {"suspended": True}),
                        403, "M_FORBIDDEN")
    assert bob.get("/account/whoami").status_code == 200


def test_lock_and_suspend_need_their_flag(server, alice, bob):
    """`locked` and `suspended` are required: an empty body must not unlock anyone."""
    make_admin(server, alice)
    alice.put(f"{V1}/admin/lock/{bob.user_id}", {"locked": True})
    assert_matrix_error(alice.put(f"{V1}/admin/lock/{bob.user_id}", {}), 400, "M_MISSING_PARAM")
    assert alice.get(f"{V1}/admin/lock/{bob.user_id}").json() == {"locked": True}
    assert_matrix_error(alice.put(f"{V1}/admin/suspend/{bob.user_id}", {}), 400,
                        "M_MISSING_PARAM")
