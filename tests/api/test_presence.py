"""Presence: PUT/GET /presence/{userId}/status, presence from syncing (`set_presence`),
going offline when syncs stop, visibility to room-sharing users only, and the config switch
(spec: presence.yaml, module "Presence")."""

import time

from tests.helpers import assert_matrix_error, register
from tests.sync_helpers import ParkedSync, create_room, shared_room, sync


def _status(client, user):
    return client.get(f"/presence/{user.user_id}/status")


def _presence_of(body, user):
    return [e["content"] for e in body["presence"]["events"] if e["sender"] == user.user_id]


def test_set_and_get_own_presence(alice):
    resp = alice.put(f"/presence/{alice.user_id}/status",
                     {"presence": "unavailable", "status_msg": "lunch"})
    assert resp.status_code == 200 and resp.json() == {}
    status = _status(alice, alice).json()
    assert status["presence"] == "unavailable" and status["status_msg"] == "lunch"
    alice.put(f"/presence/{alice.user_id}/status", {"presence": "online"})
    status = _status(alice, alice).json()
    assert status["presence"] == "online" and status["currently_active"] is True
    assert 0 <= status["last_active_ago"] < 5_000
    assert "status_msg" not in status


def test_syncing_marks_a_user_online_unless_asked_otherwise(alice, bob):
    shared_room(alice, bob)
    assert _status(alice, bob).json()["presence"] == "offline"
    sync(bob, set_presence="offline")
    assert _status(alice, bob).json()["presence"] == "offline"
    sync(bob)
    assert _status(alice, bob).json()["presence"] == "online"
    sync(bob, set_presence="unavailable")
    assert _status(alice, bob).json()["presence"] == "unavailable"


def test_presence_is_visible_only_to_users_sharing_a_room(alice, bob, server):
    stranger = register(server.url)
    shared_room(alice, bob)
    alice.put(f"/presence/{alice.user_id}/status", {"presence": "online", "status_msg": "hi"})
    assert _status(bob, alice).status_code == 200
    assert_matrix_error(_status(stranger, alice), 403, "M_FORBIDDEN")
    assert_matrix_error(stranger.get("/presence/@nobody:localhost/status"), 404, "M_NOT_FOUND")
    assert _presence_of(sync(bob), alice)[0]["status_msg"] == "hi"
    assert _presence_of(sync(stranger), alice) == []


def test_a_presence_change_wakes_room_members(alice, bob):
    shared_room(alice, bob)
    sync(alice)
    parked = ParkedSync(bob, sync(bob)["next_batch"])
    body, waited = parked.woken_by(lambda: alice.put(
        f"/presence/{alice.user_id}/status", {"presence": "unavailable"}))
    assert waited < 1.0
    assert _presence_of(body, alice)[-1]["presence"] == "unavailable"


def test_presence_only_for_oneself_and_valid_states(alice, bob):
    assert_matrix_error(bob.put(f"/presence/{alice.user_id}/status", {"presence": "online"}),
                        403, "M_FORBIDDEN")
    assert_matrix_error(alice.put(f"/presence/{alice.user_id}/status", {"presence": "busy"}),
                        400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(f"/presence/{alice.user_id}/status", {}), 400,
                        "M_MISSING_PARAM")


def test_a_user_whose_syncs_stop_goes_offline(make_server):
    server = make_server(presence_offline_after="1s")
    alice, bob = register(server.url), register(server.url)
    create_room(alice, preset="public_chat")
    shared_room(alice, bob)
    since = sync(alice)["next_batch"]
    sync(bob)
    assert _status(alice, bob).json()["presence"] == "online"
    started = time.monotonic()
    body = sync(alice, since, timeout=10_000, set_presence="offline")
    while _presence_of(body, bob) == [] or _presence_of(body, bob)[-1]["presence"] != "offline":
        assert time.monotonic() - started < 10
        body = sync(alice, body["next_batch"], timeout=10_000, set_presence="offline")
    assert 0.9 < time.monotonic() - started < 5
    assert _status(alice, bob).json()["presence"] == "offline"


def test_presence_can_be_switched_off(make_server):
    server = make_server(presence_enabled="false")
    alice, bob = register(server.url), register(server.url)
    shared_room(alice, bob)
    sync(bob)
    assert bob.put(f"/presence/{bob.user_id}/status", {"presence": "online"}).json() == {}
    assert _status(alice, bob).json() == {"presence": "offline"}
    assert sync(alice)["presence"]["events"] == []


def test_someone_joining_a_room_brings_their_presence(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    bob.put(f"/presence/{bob.user_id}/status", {"presence": "online", "status_msg": "new"})
    since = sync(alice)["next_batch"]
    assert _presence_of(sync(alice, since), bob) == []
    bob.post(f"/rooms/{room_id}/join")
    assert _presence_of(sync(alice, since), bob)[0]["status_msg"] == "new"


def test_an_idle_device_does_not_flip_a_user_online_elsewhere(server, alice, bob):
    from tests.helpers import UserClient, login

    shared_room(alice, bob)
    second = login(server.url, bob.localpart).json()
    bob_phone = UserClient(server.url, bob.user_id, second["access_token"],
                           second["device_id"])
    sync(bob)  # the laptop syncs: online
    sync(bob_phone, set_presence="unavailable")
    assert _status(alice, bob).json()["presence"] == "online"
    sync(bob)
    assert _status(alice, bob).json()["presence"] == "online"
