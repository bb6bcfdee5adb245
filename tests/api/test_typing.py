"""PUT /rooms/{roomId}/typing/{userId} and m.typing in /sync: only for oneself, only in
rooms one has joined, and typing ends by itself when its timeout passes (spec: typing.yaml,
module "Typing Notifications")."""

import time

from tests.helpers import assert_matrix_error
from tests.sync_helpers import create_room, joined_room, shared_room, sync


def _typing(client, room_id, typing=True, timeout=30_000, user_id=None):
    body = {"typing": typing, "timeout": timeout} if typing else {"typing": False}
    return client.put(f"/rooms/{room_id}/typing/{user_id or client.user_id}", body)


def _typing_users(body, room_id):
    events = joined_room(body, room_id)["ephemeral"]["events"] \
        if room_id in body["rooms"]["join"] else []
    found = [e["content"]["user_ids"] for e in events if e["type"] == "m.typing"]
    return found[0] if found else None


def test_typing_starts_and_stops(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    assert _typing(alice, room_id).json() == {}
    started = sync(bob, since)
    assert _typing_users(started, room_id) == [alice.user_id]
    assert _typing(alice, room_id, typing=False).status_code == 200
    stopped = sync(bob, started["next_batch"])
    assert _typing_users(stopped, room_id) == []
    assert _typing_users(sync(bob, stopped["next_batch"]), room_id) is None


def test_typing_again_before_the_timeout_is_no_news(alice, bob):
    room_id = shared_room(alice, bob)
    _typing(alice, room_id)
    since = sync(bob)["next_batch"]
    _typing(alice, room_id)
    assert _typing_users(sync(bob, since), room_id) is None


def test_typing_expires_by_itself(alice, bob):
    room_id = shared_room(alice, bob)
    _typing(alice, room_id, timeout=300)
    body = sync(bob)
    assert _typing_users(body, room_id) == [alice.user_id]
    started = time.monotonic()
    expired = sync(bob, body["next_batch"], timeout=10_000)  # parked until the expiry
    assert time.monotonic() - started < 2.0
    assert _typing_users(expired, room_id) == []


def test_initial_sync_shows_who_is_typing_now(alice, bob, server):
    from tests.helpers import register

    room_id = shared_room(alice, bob)
    _typing(alice, room_id)
    carol = register(server.url)
    assert _typing_users(sync(carol), room_id) is None  # not in the room
    assert _typing_users(sync(bob), room_id) == [alice.user_id]


def test_typing_only_for_oneself_and_only_when_joined(alice, bob):
    room_id = create_room(alice)
    assert_matrix_error(_typing(bob, room_id), 403, "M_FORBIDDEN")
    assert_matrix_error(_typing(alice, room_id, user_id=bob.user_id), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.put(f"/rooms/{room_id}/typing/{alice.user_id}", {}), 400,
                        "M_MISSING_PARAM")
    assert_matrix_error(alice.put(f"/rooms/{room_id}/typing/{alice.user_id}",
                                  {"typing": "yes"}), 400, "M_BAD_JSON")
