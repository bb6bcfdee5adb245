"""Reading rooms: pagination, filters, history visibility, context, members, timestamps."""

import json
import time

import pytest

from tests.helpers import (
    assert_matrix_error,
    create_room,
    joined_room_with,
    register,
    room_messages,
    send_text,
)


def texts(chunk):
    return [e["content"]["body"] for e in chunk if e["type"] == "m.room.message"]


def test_paginate_200_messages_back_in_order_and_forward_again(alice, bob):
    room_id = joined_room_with(alice, bob)
    for i in range(200):
        send_text(alice if i % 2 else bob, room_id, f"m{i}")
    seen, token = [], None
    while True:
        params = {"dir": "b", "limit": 30, **({"from": token} if token else {})}
        page = room_messages(bob, room_id, **params)
        seen.extend(texts(page["chunk"]))
        if "end" not in page:
            break
        token = page["end"]
    assert seen == [f"m{i}" for i in reversed(range(200))]
    forward = room_messages(bob, room_id, dir="f", limit=1000)
    assert texts(forward["chunk"]) == [f"m{i}" for i in range(200)]
    assert forward["chunk"][0]["type"] == "m.room.create"


def test_from_and_to_tokens_bound_a_page(alice):
    room_id = create_room(alice)
    for i in range(10):
        send_text(alice, room_id, f"n{i}")
    newest = room_messages(alice, room_id, dir="b", limit=3)
    assert texts(newest["chunk"]) == ["n9", "n8", "n7"]
    older = room_messages(alice, room_id, dir="b", limit=3, **{"from": newest["end"]})
    assert texts(older["chunk"]) == ["n6", "n5", "n4"]
    back_again = room_messages(alice, room_id, dir="f", limit=10, **{"from": older["end"],
                                                                     "to": newest["end"]})
    assert texts(back_again["chunk"]) == ["n4", "n5", "n6"]


def test_messages_filter(alice, bob):
    room_id = joined_room_with(alice, bob)
    send_text(alice, room_id, "from alice")
    send_text(bob, room_id, "from bob")
    only_bob = room_messages(alice, room_id, filter=json.dumps(
        {"senders": [bob.user_id], "types": ["m.room.message"]}))
    assert texts(only_bob["chunk"]) == ["from bob"]
    no_messages = room_messages(alice, room_id, filter=json.dumps({"not_types": ["m.room.*"]}))
    assert no_messages["chunk"] == []
    lazy = room_messages(alice, room_id, limit=1, filter=json.dumps({"lazy_load_members": True}))
    assert [e["state_key"] for e in lazy["state"]] == [bob.user_id]


def test_bad_pagination_parameters(alice):
    room_id = create_room(alice)
    assert_matrix_error(alice.get(f"/rooms/{room_id}/messages", params={"dir": "x"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get(f"/rooms/{room_id}/messages", params={"from": "bogus"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get(f"/rooms/{room_id}/messages", params={"filter": "{"}), 400,
                        "M_BAD_JSON")


@pytest.mark.parametrize("visibility, sees_before_join", [
    ("shared", True), ("joined", False), ("invited", "after invite"),
    ("world_readable", True)])
def test_history_visibility_for_a_late_joiner(alice, bob, visibility, sees_before_join):
    room_id = create_room(alice, initial_state=[
        {"type": "m.room.history_visibility", "content": {"history_visibility": visibility}}])
    send_text(alice, room_id, "before invite")
    alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id})
    send_text(alice, room_id, "after invite")
    bob.post(f"/join/{room_id}")
    send_text(alice, room_id, "after join")
    seen = texts(room_messages(bob, room_id, dir="f", limit=100)["chunk"])
    expected = {True: ["before invite", "after invite", "after join"],
                False: ["after join"], "after invite": ["after invite", "after join"]}
    assert seen == expected[sees_before_join]
    chunk = room_messages(bob, room_id, dir="f", limit=100)["chunk"]
    last = [e for e in chunk if e["type"] == "m.room.message"][-1]
    assert last["unsigned"]["membership"] == "join"


def test_former_member_sees_history_only_until_leaving(alice, bob):
    room_id = joined_room_with(alice, bob)
    send_text(alice, room_id, "while bob was here")
    bob.post(f"/rooms/{room_id}/leave")
    later = send_text(alice, room_id, "after bob left")
    assert texts(room_messages(bob, room_id, dir="f", limit=100)["chunk"]) == [
        "while bob was here"]
    assert_matrix_error(bob.get(f"/rooms/{room_id}/event/{later}"), 404, "M_NOT_FOUND")
    state = {(e["type"], e["state_key"]) for e in bob.get(f"/rooms/{room_id}/state").json()}
    assert ("m.room.member", bob.user_id) in state
    alice.put(f"/rooms/{room_id}/state/m.room.name", {"name": "renamed later"})
    names = [e for e in bob.get(f"/rooms/{room_id}/state").json() if e["type"] == "m.room.name"]
    assert names == []


def test_non_members_cannot_read(alice, server):
    room_id = create_room(alice)
    event_id = send_text(alice, room_id, "secret")
    stranger = register(server.url)
    assert_matrix_error(stranger.get(f"/rooms/{room_id}/messages"), 403, "M_FORBIDDEN")
    assert_matrix_error(stranger.get(f"/rooms/{room_id}/state"), 403, "M_FORBIDDEN")
    assert_matrix_error(stranger.get(f"/rooms/{room_id}/event/{event_id}"), 404, "M_NOT_FOUND")
    assert_matrix_error(stranger.get(f"/rooms/{room_id}/joined_members"), 403, "M_FORBIDDEN")
    assert_matrix_error(stranger.get("/rooms/!missing:localhost/state"), 404, "M_NOT_FOUND")


def test_world_readable_room_can_be_read_by_anyone(alice, server):
    room_id = create_room(alice, initial_state=[
        {"type": "m.room.history_visibility",
         "content": {"history_visibility": "world_readable"}}])
    send_text(alice, room_id, "public news")
    stranger = register(server.url)
    assert "public news" in texts(room_messages(stranger, room_id, limit=10)["chunk"])


def test_context_around_an_event(alice):
    room_id = create_room(alice)
    ids = [send_text(alice, room_id, f"c{i}") for i in range(9)]
    context = alice.get(f"/rooms/{room_id}/context/{ids[4]}", params={"limit": 4}).json()
    assert context["event"]["event_id"] == ids[4]
    assert texts(context["events_before"]) == ["c3", "c2"]
    assert texts(context["events_after"]) == ["c5", "c6"]
    assert any(e["type"] == "m.room.create" for e in context["state"])
    older = room_messages(alice, room_id, dir="b", limit=2, **{"from": context["start"]})
    assert texts(older["chunk"]) == ["c1", "c0"]


def test_members_with_filters_and_at(alice, bob, server):
    carol = register(server.url)
    room_id = joined_room_with(alice, bob)
    token = room_messages(alice, room_id, limit=1)["start"]
    alice.post(f"/rooms/{room_id}/invite", {"user_id": carol.user_id})
    members = alice.get(f"/rooms/{room_id}/members").json()["chunk"]
    assert {m["state_key"] for m in members} == {alice.user_id, bob.user_id, carol.user_id}
    joined = alice.get(f"/rooms/{room_id}/members", params={"membership": "join"}).json()
    assert {m["state_key"] for m in joined["chunk"]} == {alice.user_id, bob.user_id}
    not_joined = alice.get(f"/rooms/{room_id}/members",
                           params={"not_membership": "join"}).json()["chunk"]
    assert [m["state_key"] for m in not_joined] == [carol.user_id]
    at = alice.get(f"/rooms/{room_id}/members", params={"at": token}).json()["chunk"]
    assert carol.user_id not in {m["state_key"] for m in at}


def test_timestamp_to_event(alice):
    room_id = create_room(alice)
    first = send_text(alice, room_id, "t1")
    time.sleep(0.05)
    middle_ts = int(time.time() * 1000)
    time.sleep(0.05)
    second = send_text(alice, room_id, "t2")
    forwards = alice.get(f"/_matrix/client/v1/rooms/{room_id}/timestamp_to_event",
                         params={"ts": middle_ts, "dir": "f"}).json()
    backwards = alice.get(f"/_matrix/client/v1/rooms/{room_id}/timestamp_to_event",
                          params={"ts": middle_ts, "dir": "b"}).json()
    assert forwards["event_id"] == second and backwards["event_id"] == first
    resp = alice.get(f"/_matrix/client/v1/rooms/{room_id}/timestamp_to_event",
                     params={"ts": 1, "dir": "b"})
    assert_matrix_error(resp, 404, "M_NOT_FOUND")
    url = f"/_matrix/client/v1/rooms/{room_id}/timestamp_to_event"
    assert_matrix_error(alice.get(url, params={"dir": "b"}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.get(url, params={"ts": 1}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.get(url, params={"ts": 1, "dir": "x"}), 400, "M_INVALID_PARAM")
