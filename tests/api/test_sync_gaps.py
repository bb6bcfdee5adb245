"""Gappy syncs: more events than the timeline limit set `limited`, the state section carries
what changed in the gap, and `prev_batch` pages back with /messages to exactly the missed
events (spec: "Syncing", /sync Timeline)."""

from tests.sync_helpers import (
    bodies,
    joined_room,
    send_state,
    send_text,
    shared_room,
    sync,
    timeline_ids,
)

LIMIT_3 = {"room": {"timeline": {"limit": 3}}}


def _messages(client, room_id, **params):
    resp = client.get(f"/rooms/{room_id}/messages", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_gappy_sync_is_limited_and_prev_batch_pages_back_to_the_missed_events(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    sent = [send_text(alice, room_id, f"m{i}") for i in range(10)]
    room = joined_room(sync(bob, since, filter=LIMIT_3), room_id)
    assert room["timeline"]["limited"] is True
    assert timeline_ids(room) == sent[-3:]
    missed = _messages(bob, room_id, **{"from": room["timeline"]["prev_batch"], "to": since,
                                        "dir": "b", "limit": 100})
    assert [e["event_id"] for e in missed["chunk"]] == list(reversed(sent[:7]))
    forwards = _messages(bob, room_id, **{"from": since, "to": room["timeline"]["prev_batch"],
                                          "dir": "f", "limit": 100})
    assert [e["event_id"] for e in forwards["chunk"]] == sent[:7]


def test_paging_back_from_prev_batch_without_a_bound_continues_the_history(alice):
    room_id = shared_room(alice)
    sent = [send_text(alice, room_id, f"m{i}") for i in range(6)]
    room = joined_room(sync(alice, filter=LIMIT_3), room_id)
    page = _messages(alice, room_id, **{"from": room["timeline"]["prev_batch"], "dir": "b",
                                        "limit": 3})
    assert [e["event_id"] for e in page["chunk"]] == list(reversed(sent[:3]))


def test_exactly_the_limit_is_not_limited(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    for i in range(3):
        send_text(alice, room_id, f"m{i}")
    room = joined_room(sync(bob, since, filter=LIMIT_3), room_id)
    assert room["timeline"]["limited"] is False
    assert bodies(room) == ["m0", "m1", "m2"]


def test_state_changed_in_the_gap_comes_in_the_state_section(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    topic = send_state(alice, room_id, "m.room.topic", {"topic": "in the gap"})
    for i in range(5):
        send_text(alice, room_id, f"m{i}")
    room = joined_room(sync(bob, since, filter=LIMIT_3), room_id)
    assert room["timeline"]["limited"] is True
    assert [e["event_id"] for e in room["state"]["events"]] == [topic]


def test_state_in_the_timeline_is_not_repeated_in_state(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    for i in range(5):
        send_text(alice, room_id, f"m{i}")
    topic = send_state(alice, room_id, "m.room.topic", {"topic": "in the timeline"})
    room = joined_room(sync(bob, since, filter=LIMIT_3), room_id)
    assert topic in timeline_ids(room)
    assert room["state"]["events"] == []


def test_a_filtered_out_state_change_is_still_reported_in_state(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    topic = send_state(alice, room_id, "m.room.topic", {"topic": "quiet change"})
    send_text(alice, room_id, "visible")
    only_messages = {"room": {"timeline": {"types": ["m.room.message"]}}}
    room = joined_room(sync(bob, since, filter=only_messages), room_id)
    assert bodies(room) == ["visible"]
    assert [e["event_id"] for e in room["state"]["events"]] == [topic]


def test_a_zero_limit_reports_a_gap_with_no_events(alice, bob):
    room_id = shared_room(alice, bob)
    since = sync(bob)["next_batch"]
    sent = send_text(alice, room_id, "hidden by the limit")
    room = joined_room(sync(bob, since, filter={"room": {"timeline": {"limit": 0}}}), room_id)
    assert room["timeline"]["events"] == [] and room["timeline"]["limited"] is True
    page = _messages(bob, room_id, **{"from": room["timeline"]["prev_batch"], "dir": "b",
                                      "limit": 1})
    assert page["chunk"][0]["event_id"] == sent
