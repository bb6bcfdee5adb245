"""A sync token from before a restart still works after it: the persisted streams continue
from the same position, and typing (in memory) is reported as reset."""

from closedserver.services.stream_tokens import parse_token
from tests.helpers import register
from tests.sync_helpers import bodies, joined_room, send_text, shared_room, sync


def _typing(body, room_id):
    events = joined_room(body, room_id)["ephemeral"]["events"]
    return [e["content"]["user_ids"] for e in events if e["type"] == "m.typing"]


def test_a_sync_token_survives_a_restart(make_server):
    server = make_server()
    alice, bob = register(server.url), register(server.url)
    room_id = shared_room(alice, bob)
    send_text(alice, room_id, "before")
    alice.put(f"/rooms/{room_id}/typing/{alice.user_id}", {"typing": True, "timeout": 60_000})
    before = sync(bob)
    assert _typing(before, room_id) == [[alice.user_id]]
    token = before["next_batch"]
    assert parse_token(token).typing > 0

    server.restart()
    send_text(alice, room_id, "after")
    body = sync(bob, token)
    room = joined_room(body, room_id)
    assert bodies(room) == ["after"]
    assert room["timeline"]["limited"] is False
    assert _typing(body, room_id) == [[]]  # the restart ended alice's typing
    assert sync(bob, body["next_batch"])["rooms"]["join"] == {}

    alice.put(f"/rooms/{room_id}/typing/{alice.user_id}", {"typing": True})
    assert _typing(sync(bob, body["next_batch"]), room_id) == [[alice.user_id]]


def test_a_token_from_another_server_run_with_a_huge_typing_serial(alice):
    since = parse_token(sync(alice)["next_batch"])
    body = sync(alice, f"s{since.position}_999999999999999999")
    assert parse_token(body["next_batch"]).position == since.position
