"""GET /sync: the response shape, initial and incremental syncs, state before the timeline,
full_state, rooms joined since the token, tokens (spec: sync.yaml, "Syncing")."""

from closedserver.services.stream_tokens import parse_token
from tests.helpers import assert_matrix_error
from tests.sync_helpers import (
    bodies,
    create_room,
    joined_room,
    send_state,
    send_text,
    shared_room,
    state_keys,
    sync,
    timeline_ids,
)


def test_initial_sync_has_every_top_level_section(alice):
    body = sync(alice)
    assert parse_token(body["next_batch"]).position > 0
    assert set(body["rooms"]) == {"join", "invite", "leave", "knock"}
    assert [e["type"] for e in body["account_data"]["events"]] == ["m.push_rules"]
    assert body["to_device"] == {"events": []}
    assert body["device_lists"] == {"changed": [], "left": []}
    assert body["device_one_time_keys_count"] == {"signed_curve25519": 0}
    assert body["device_unused_fallback_key_types"] == []
    assert "events" in body["presence"]


def test_initial_sync_of_a_new_room_has_everything_in_the_timeline(alice):
    room_id = create_room(alice, name="Kitchen")
    room = joined_room(sync(alice), room_id)
    types = [e["type"] for e in room["timeline"]["events"]]
    assert types[0] == "m.room.create" and "m.room.name" in types
    # The whole state fits in the timeline, so the state before it is empty.
    assert room["state"]["events"] == []
    assert room["timeline"]["limited"] is False
    assert room["summary"]["m.joined_member_count"] == 1
    assert room["summary"]["m.invited_member_count"] == 0
    assert all("room_id" not in e for e in room["timeline"]["events"])
    assert all(e["unsigned"]["membership"] == "join" for e in room["timeline"]["events"][1:])


def test_initial_sync_state_is_the_state_before_the_timeline(alice):
    room_id = create_room(alice)
    send_state(alice, room_id, "m.room.topic", {"topic": "old"})
    for i in range(12):
        send_text(alice, room_id, f"m{i}")
    new_topic = send_state(alice, room_id, "m.room.topic", {"topic": "new"})
    room = joined_room(sync(alice, filter={"room": {"timeline": {"limit": 5}}}), room_id)
    assert room["timeline"]["limited"] is True
    assert timeline_ids(room)[-1] == new_topic
    topics = [e for e in room["state"]["events"] if e["type"] == "m.room.topic"]
    assert [t["content"]["topic"] for t in topics] == ["old"]
    assert state_keys(room["state"]["events"]) == {alice.user_id}
    assert {e["type"] for e in room["state"]["events"]} >= {
        "m.room.create", "m.room.power_levels", "m.room.join_rules"}


def test_incremental_sync_returns_only_what_is_new(alice, bob):
    room_id = shared_room(alice, bob)
    first = sync(bob)
    send_text(alice, room_id, "one")
    send_text(alice, room_id, "two")
    second = sync(bob, first["next_batch"])
    room = joined_room(second, room_id)
    assert bodies(room) == ["one", "two"]
    assert room["timeline"]["limited"] is False
    assert room["state"]["events"] == []
    assert room["summary"] == {}
    third = sync(bob, second["next_batch"])
    assert third["rooms"]["join"] == {}
    assert third["next_batch"] == second["next_batch"]


def test_incremental_sync_leaves_out_quiet_rooms(alice):
    busy = create_room(alice)
    quiet = create_room(alice)
    since = sync(alice)["next_batch"]
    send_text(alice, busy, "news")
    rooms = sync(alice, since)["rooms"]["join"]
    assert busy in rooms and quiet not in rooms


def test_summary_is_sent_when_membership_changes(alice, bob):
    room_id = create_room(alice)
    since = sync(alice)["next_batch"]
    alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id})
    summary = joined_room(sync(alice, since), room_id)["summary"]
    assert summary["m.joined_member_count"] == 1
    assert summary["m.invited_member_count"] == 1
    assert summary["m.heroes"] == [bob.user_id]


def test_heroes_are_left_out_for_a_named_room(alice, bob):
    room_id = shared_room(alice, bob, name="Named")
    summary = joined_room(sync(alice), room_id)["summary"]
    assert summary["m.joined_member_count"] == 2
    assert "m.heroes" not in summary


def test_full_state_returns_the_whole_state_with_a_since(alice):
    room_id = create_room(alice)
    since = sync(alice)["next_batch"]
    message = send_text(alice, room_id, "after")
    room = joined_room(sync(alice, since, full_state=True), room_id)
    assert timeline_ids(room) == [message]
    assert {e["type"] for e in room["state"]["events"]} >= {
        "m.room.create", "m.room.member", "m.room.power_levels"}
    quiet = joined_room(sync(alice, sync(alice)["next_batch"], full_state=True), room_id)
    assert quiet["timeline"]["events"] == []
    assert any(e["type"] == "m.room.create" for e in quiet["state"]["events"])


def test_a_room_joined_since_the_token_comes_with_full_state(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    for i in range(3):
        send_text(alice, room_id, f"before {i}")
    since = sync(bob)["next_batch"]
    bob.post(f"/rooms/{room_id}/join")
    room = joined_room(sync(bob, since, filter={"room": {"timeline": {"limit": 2}}}),
                       room_id)
    assert room["timeline"]["limited"] is True
    assert room["timeline"]["events"][-1]["state_key"] == bob.user_id
    state_types = {e["type"] for e in room["state"]["events"]}
    assert {"m.room.create", "m.room.power_levels", "m.room.join_rules"} <= state_types
    assert room["summary"]["m.joined_member_count"] == 2


def test_own_messages_carry_the_transaction_id_for_the_sending_device(alice):
    room_id = create_room(alice)
    since = sync(alice)["next_batch"]
    alice.put(f"/rooms/{room_id}/send/m.room.message/my-txn", {"msgtype": "m.text",
                                                                "body": "x"})
    event = joined_room(sync(alice, since), room_id)["timeline"]["events"][-1]
    assert event["unsigned"]["transaction_id"] == "my-txn"


def test_state_changes_show_prev_content(alice):
    room_id = create_room(alice, name="First")
    since = sync(alice)["next_batch"]
    send_state(alice, room_id, "m.room.name", {"name": "Second"})
    event = joined_room(sync(alice, since), room_id)["timeline"]["events"][-1]
    assert event["content"] == {"name": "Second"}
    assert event["unsigned"]["prev_content"] == {"name": "First"}


def test_bad_parameters_are_refused(alice):
    assert_matrix_error(alice.get("/sync", params={"since": "nonsense"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/sync", params={"set_presence": "busy"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/sync", params={"timeout": "soon"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/sync", params={"filter": "{not json"}), 400,
                        "M_BAD_JSON")
    assert_matrix_error(alice.get("/sync", params={"filter": "12345"}), 400,
                        "M_INVALID_PARAM")


def test_sync_needs_an_access_token(server):
    import httpx

    resp = httpx.get(f"{server.url}/_matrix/client/v3/sync")
    assert_matrix_error(resp, 401, "M_MISSING_TOKEN")


def test_timeout_returns_empty_when_nothing_happens(alice):
    import time

    since = sync(alice)["next_batch"]
    started = time.monotonic()
    body = sync(alice, since, timeout=300)
    assert time.monotonic() - started >= 0.28
    assert body["rooms"]["join"] == {} and body["next_batch"] == since


def test_history_before_joining_follows_history_visibility(alice, bob):
    room_id = create_room(alice, preset="public_chat", initial_state=[{
        "type": "m.room.history_visibility", "state_key": "",
        "content": {"history_visibility": "joined"}}])
    send_text(alice, room_id, "before bob")
    since = sync(bob)["next_batch"]
    bob.post(f"/rooms/{room_id}/join")
    send_text(alice, room_id, "after bob")
    room = joined_room(sync(bob, since), room_id)
    assert bodies(room) == ["after bob"]
    # Events from before the room said `joined` stay visible (they were `shared`).
    visible = [(e["type"], e["content"].get("history_visibility") or e["content"].get(
        "membership")) for e in room["timeline"]["events"]]
    assert visible[-3:] == [("m.room.history_visibility", "joined"),
                            ("m.room.member", "join"), ("m.room.message", None)]
