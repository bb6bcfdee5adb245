"""Invites, knocks, leaves and bans in /sync: stripped `invite_state` and `knock_state`,
the `leave` section with the timeline up to the leave, `include_leave` (spec: /sync Rooms,
"Stripped state")."""

from tests.sync_helpers import (
    bodies,
    create_room,
    joined_room,
    send_state,
    send_text,
    shared_room,
    sync,
    timeline_ids,
)

STRIPPED_KEYS = {"sender", "type", "state_key", "content"}
INCLUDE_LEAVE = {"room": {"include_leave": True}}


def test_an_invite_carries_stripped_state(alice, bob):
    room_id = create_room(alice, name="Garden", topic="plants")
    send_state(alice, room_id, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"})
    send_text(alice, room_id, "not in the invite")
    alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id})
    invite = sync(bob)["rooms"]["invite"][room_id]
    events = invite["invite_state"]["events"]
    assert all(set(e) == STRIPPED_KEYS for e in events)
    by_type = {(e["type"], e["state_key"]): e for e in events}
    assert {"m.room.create", "m.room.join_rules", "m.room.name", "m.room.encryption",
            "m.room.topic"} <= {t for t, _ in by_type}
    assert by_type[("m.room.name", "")]["content"] == {"name": "Garden"}
    assert by_type[("m.room.member", bob.user_id)]["content"]["membership"] == "invite"
    assert by_type[("m.room.member", bob.user_id)]["sender"] == alice.user_id
    assert by_type[("m.room.member", alice.user_id)]["content"]["membership"] == "join"
    assert "m.room.message" not in {t for t, _ in by_type}
    assert "m.room.power_levels" not in {t for t, _ in by_type}


def test_an_accepted_invite_moves_the_room_to_join(alice, bob):
    room_id = create_room(alice)
    alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id})
    since = sync(bob)["next_batch"]
    bob.post(f"/rooms/{room_id}/join")
    body = sync(bob, since)
    assert room_id in body["rooms"]["join"] and room_id not in body["rooms"]["invite"]


def test_a_rejected_invite_appears_in_leave(alice, bob):
    room_id = create_room(alice)
    send_text(alice, room_id, "private talk")
    alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id})
    since = sync(bob)["next_batch"]
    bob.post(f"/rooms/{room_id}/leave")
    left = sync(bob, since)["rooms"]["leave"][room_id]
    assert left["timeline"]["events"][-1]["content"]["membership"] == "leave"
    assert "private talk" not in bodies(left)
    assert left["state"]["events"] == []


def test_a_leave_since_the_token_shows_in_leave_with_the_final_timeline(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    last_words = send_text(alice, room_id, "bye bob")
    bob.post(f"/rooms/{room_id}/leave")
    after = send_text(alice, room_id, "bob is gone")
    body = sync(bob, since)
    left = body["rooms"]["leave"][room_id]
    ids = timeline_ids(left)
    assert last_words in ids and after not in ids
    assert left["timeline"]["events"][-1]["state_key"] == bob.user_id
    assert room_id not in body["rooms"]["join"]
    # Nothing more about the room afterwards.
    assert room_id not in sync(bob, body["next_batch"])["rooms"]["leave"]
    # /messages agrees: the last event bob may see is his own leave.
    page = bob.get(f"/rooms/{room_id}/messages", params={"dir": "b", "limit": 1}).json()
    assert page["chunk"][0]["event_id"] == left["timeline"]["events"][-1]["event_id"]


def test_a_ban_shows_in_leave(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    alice.post(f"/rooms/{room_id}/ban", {"user_id": bob.user_id, "reason": "spam"})
    send_text(alice, room_id, "after the ban")
    left = sync(bob, since)["rooms"]["leave"][room_id]
    ban = left["timeline"]["events"][-1]
    assert ban["content"]["membership"] == "ban" and ban["content"]["reason"] == "spam"
    assert "after the ban" not in bodies(left)


def test_include_leave_lists_left_rooms_on_an_initial_sync(alice, bob):
    room_id = shared_room(alice, bob)
    send_text(alice, room_id, "before leaving")
    bob.post(f"/rooms/{room_id}/leave")
    assert room_id not in sync(bob)["rooms"]["leave"]
    left = sync(bob, filter=INCLUDE_LEAVE)["rooms"]["leave"][room_id]
    assert bodies(left) == ["before leaving"]
    assert left["timeline"]["events"][-1]["content"]["membership"] == "leave"
    assert any(e["type"] == "m.room.create" for e in
               left["state"]["events"] + left["timeline"]["events"])
    bob.post(f"/rooms/{room_id}/forget")
    assert room_id not in sync(bob, filter=INCLUDE_LEAVE)["rooms"]["leave"]


def test_a_knock_carries_knock_state(alice, bob):
    room_id = create_room(alice, name="Knock here")
    send_state(alice, room_id, "m.room.join_rules", {"join_rule": "knock"})
    since = sync(bob)["next_batch"]
    assert bob.post(f"/knock/{room_id}", {"reason": "let me in"}).status_code == 200
    knock = sync(bob, since)["rooms"]["knock"][room_id]
    events = knock["knock_state"]["events"]
    assert all(set(e) == STRIPPED_KEYS for e in events)
    own = [e for e in events if e["type"] == "m.room.member"]
    assert own[-1]["state_key"] == bob.user_id
    assert own[-1]["content"]["membership"] == "knock"
    assert {"type": "m.room.name", "state_key": "", "sender": alice.user_id,
            "content": {"name": "Knock here"}} in events
    # The room's members see the knock in their timeline.
    room = joined_room(sync(alice), room_id)
    assert room["timeline"]["events"][-1]["content"]["membership"] == "knock"


def test_rejoining_after_a_leave_comes_with_full_state(alice, bob):
    room_id = shared_room(alice, bob, preset="public_chat")
    bob.post(f"/rooms/{room_id}/leave")
    since = sync(bob)["next_batch"]
    bob.post(f"/rooms/{room_id}/join")
    room = joined_room(sync(bob, since), room_id)
    types = {e["type"] for e in room["state"]["events"] + room["timeline"]["events"]}
    assert {"m.room.create", "m.room.power_levels"} <= types
