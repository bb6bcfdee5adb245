"""Child events of a parent (spec: relations.yaml) and thread lists (threads_list.yaml)."""

from tests.api.rooms_extras_helpers import create_room, join, say, send, set_state
from tests.helpers import assert_matrix_error

C1 = "/_matrix/client/v1"


def relations(user, room_id: str, event_id: str, suffix: str = "", **params):
    resp = user.get(f"{C1}/rooms/{room_id}/relations/{event_id}{suffix}", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def ids(body) -> list[str]:
    return [e["event_id"] for e in body["chunk"]]


def react(user, room_id: str, parent: str, key: str) -> str:
    return send(user, room_id, {"m.relates_to": {"rel_type": "m.annotation",
                                                 "event_id": parent, "key": key}},
                "m.reaction")


def test_children_newest_first_with_rel_type_and_event_type_filters(alice):
    room_id = create_room(alice)
    parent = say(alice, room_id, "parent")
    reaction = react(alice, room_id, parent, "👍")
    reference = say(alice, room_id, "see above", rel_type="m.reference", event_id=parent)
    in_thread = say(alice, room_id, "threaded", rel_type="m.thread", event_id=parent)
    say(alice, room_id, "unrelated")
    body = relations(alice, room_id, parent)
    assert ids(body) == [in_thread, reference, reaction]
    assert "next_batch" not in body and "prev_batch" not in body
    assert "recursion_depth" not in body
    assert body["chunk"][0]["content"]["body"] == "threaded"
    assert body["chunk"][0]["room_id"] == room_id
    assert ids(relations(alice, room_id, parent, "/m.annotation")) == [reaction]
    assert ids(relations(alice, room_id, parent, "/m.annotation/m.reaction")) == [reaction]
    assert ids(relations(alice, room_id, parent, "/m.annotation/m.room.message")) == []
    assert ids(relations(alice, room_id, parent, "/m.thread/m.room.message")) == [in_thread]
    assert relations(alice, room_id, reaction)["chunk"] == []


def test_pagination_backwards_forwards_and_to(alice):
    room_id = create_room(alice)
    parent = say(alice, room_id, "parent")
    children = [say(alice, room_id, f"ref {i}", rel_type="m.reference", event_id=parent)
                for i in range(7)]
    say(alice, room_id, "noise")
    pages, token = [], None
    while True:
        body = relations(alice, room_id, parent, limit=3, **({"from": token} if token else {}))
        pages.append(body)
        token = body.get("next_batch")
        if token is None:
            break
    assert [ids(p) for p in pages] == [children[6:3:-1], children[3:0:-1], children[:1]]
    assert "prev_batch" not in pages[0]
    assert pages[1]["prev_batch"] == pages[0]["next_batch"]
    forwards = relations(alice, room_id, parent, dir="f", limit=4)
    assert ids(forwards) == children[:4]
    rest = relations(alice, room_id, parent, dir="f", limit=4, **{"from": forwards["next_batch"]})
    assert ids(rest) == children[4:] and "next_batch" not in rest
    # `to` (a token from an earlier page) stops the walk there.
    bounded = relations(alice, room_id, parent, **{"to": pages[1]["next_batch"]})
    assert ids(bounded) == children[6:0:-1]


def test_recursion_follows_matching_children_three_levels_deep(alice):
    room_id = create_room(alice)
    root = say(alice, room_id, "root")
    level1 = say(alice, room_id, "1", rel_type="m.reference", event_id=root)
    level2 = say(alice, room_id, "2", rel_type="m.reference", event_id=level1)
    level3 = say(alice, room_id, "3", rel_type="m.reference", event_id=level2)
    say(alice, room_id, "4", rel_type="m.reference", event_id=level3)
    reaction = react(alice, room_id, level1, "🎉")
    reference_of_reaction = say(alice, room_id, "r", rel_type="m.reference", event_id=reaction)
    assert ids(relations(alice, room_id, root)) == [level1]
    plain = relations(alice, room_id, root, recurse="false")
    assert ids(plain) == [level1] and plain["recursion_depth"] == 1
    deep = relations(alice, room_id, root, recurse="true")
    assert deep["recursion_depth"] == 3
    assert ids(deep) == [reference_of_reaction, reaction, level3, level2, level1]
    # The filter applies at every level: a reference behind a reaction is not followed.
    filtered = relations(alice, room_id, root, "/m.reference", recurse="true")
    assert ids(filtered) == [level3, level2, level1]


def test_redacted_children_are_dropped(alice):
    room_id = create_room(alice)
    parent = say(alice, room_id, "parent")
    kept = react(alice, room_id, parent, "a")
    removed = react(alice, room_id, parent, "b")
    assert alice.put(f"/rooms/{room_id}/redact/{removed}/r1", {}).status_code == 200
    assert ids(relations(alice, room_id, parent)) == [kept]


def test_history_visibility_applies_to_parent_and_children(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    set_state(alice, room_id, "m.room.history_visibility", {"history_visibility": "joined"})
    parent = say(alice, room_id, "parent")
    early = say(alice, room_id, "before bob", rel_type="m.reference", event_id=parent)
    assert_matrix_error(bob.get(f"{C1}/rooms/{room_id}/relations/{parent}"), 404,
                        "M_NOT_FOUND")
    join(bob, room_id)
    visible_parent = say(alice, room_id, "after bob joined")
    late = say(alice, room_id, "late", rel_type="m.reference", event_id=visible_parent)
    assert_matrix_error(bob.get(f"{C1}/rooms/{room_id}/relations/{parent}"), 404,
                        "M_NOT_FOUND")
    assert ids(relations(bob, room_id, visible_parent)) == [late]
    assert ids(relations(alice, room_id, parent)) == [early]


def test_relations_errors(alice, bob):
    room_id = create_room(alice)
    parent = say(alice, room_id, "parent")
    base = f"{C1}/rooms/{room_id}/relations/{parent}"
    assert_matrix_error(bob.get(base), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.get(f"{C1}/rooms/{room_id}/relations/$unknown"), 404,
                        "M_NOT_FOUND")
    assert_matrix_error(alice.get(f"{C1}/rooms/!nowhere:localhost/relations/{parent}"), 404,
                        "M_NOT_FOUND")
    other_room = create_room(alice)
    assert_matrix_error(alice.get(f"{C1}/rooms/{other_room}/relations/{parent}"), 404,
                        "M_NOT_FOUND")
    assert_matrix_error(alice.get(base, params={"dir": "x"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"limit": "-1"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"from": "nonsense"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"recurse": "maybe"}), 400, "M_INVALID_PARAM")


# threads


def threads(user, room_id: str, **params):
    resp = user.get(f"{C1}/rooms/{room_id}/threads", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_thread_roots_most_recently_active_first_with_summaries(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    join(bob, room_id)
    first = say(alice, room_id, "first root")
    second = say(bob, room_id, "second root")
    say(alice, room_id, "not a thread")
    say(alice, room_id, "a1", rel_type="m.thread", event_id=first)
    say(bob, room_id, "b1", rel_type="m.thread", event_id=second)
    latest = say(bob, room_id, "a2", rel_type="m.thread", event_id=first)
    body = threads(alice, room_id)
    assert ids(body) == [first, second] and "next_batch" not in body
    summary = body["chunk"][0]["unsigned"]["m.relations"]["m.thread"]
    assert summary["count"] == 2 and summary["latest_event"]["event_id"] == latest
    assert summary["current_user_participated"] is True
    assert body["chunk"][1]["unsigned"]["m.relations"]["m.thread"][
        "current_user_participated"] is False
    assert ids(threads(alice, room_id, include="all")) == [first, second]


def test_participated_threads_and_pagination(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    join(bob, room_id)
    roots = [say(alice, room_id, f"root {i}") for i in range(3)]
    for root in roots:
        say(alice, room_id, "reply", rel_type="m.thread", event_id=root)
    say(bob, room_id, "bob replies", rel_type="m.thread", event_id=roots[0])
    bobs_root = say(bob, room_id, "bob's own root")
    say(alice, room_id, "reply", rel_type="m.thread", event_id=bobs_root)
    assert ids(threads(bob, room_id, include="participated")) == [bobs_root, roots[0]]
    seen, token = [], None
    while True:
        body = threads(alice, room_id, limit=2, **({"from": token} if token else {}))
        assert len(body["chunk"]) <= 2
        seen.extend(ids(body))
        token = body.get("next_batch")
        if token is None:
            break
    assert seen == [bobs_root, roots[0], roots[2], roots[1]]


def test_threads_errors(alice, bob):
    room_id = create_room(alice)
    base = f"{C1}/rooms/{room_id}/threads"
    assert_matrix_error(bob.get(base), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.get(f"{C1}/rooms/!nowhere:localhost/threads"), 403,
                        "M_FORBIDDEN")
    assert_matrix_error(alice.get(base, params={"include": "mine"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"limit": "0"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"from": "x"}), 400, "M_INVALID_PARAM")
    set_state(alice, room_id, "m.room.history_visibility",
              {"history_visibility": "world_readable"})
    assert threads(bob, room_id)["chunk"] == []
