"""Space hierarchies (spec: space_hierarchy.yaml, module spaces.md) and room summaries
(room_summary.yaml)."""

import httpx

from tests.api.rooms_extras_helpers import create_room, join, set_state
from tests.helpers import assert_matrix_error, unique_name

C1 = "/_matrix/client/v1"
SPACE = {"type": "m.space"}


def add_child(user, space_id: str, child_id: str, **content) -> None:
    set_state(user, space_id, "m.space.child", {"via": ["localhost"], **content}, child_id)


def hierarchy(user, room_id: str, **params):
    resp = user.get(f"{C1}/rooms/{room_id}/hierarchy", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def room_ids(body) -> list[str]:
    return [r["room_id"] for r in body["rooms"]]


def build_tree(alice):
    """space -> [subspace -> [deep], general]; each listed in that order."""
    space = create_room(alice, preset="public_chat", name="Space", creation_content=SPACE)
    subspace = create_room(alice, preset="public_chat", creation_content=SPACE)
    deep = create_room(alice, preset="public_chat", name="Deep")
    general = create_room(alice, preset="public_chat", name="General")
    add_child(alice, space, general)
    add_child(alice, space, subspace, order="a")  # ordered children come first
    add_child(alice, subspace, deep, suggested=True)
    return space, subspace, deep, general


def test_depth_first_walk_with_children_state(alice):
    space, subspace, deep, general = build_tree(alice)
    body = hierarchy(alice, space)
    assert room_ids(body) == [space, subspace, deep, general]
    assert "next_batch" not in body
    root = body["rooms"][0]
    assert root["name"] == "Space" and root["room_type"] == "m.space"
    assert root["num_joined_members"] == 1 and root["join_rule"] == "public"
    assert root["world_readable"] is False and root["guest_can_join"] is False
    children = root["children_state"]
    assert [c["state_key"] for c in children] == [subspace, general]
    assert children[0]["type"] == "m.space.child" and children[0]["sender"] == alice.user_id
    assert children[0]["content"] == {"via": ["localhost"], "order": "a"}
    assert isinstance(children[0]["origin_server_ts"], int)
    assert body["rooms"][3]["children_state"] == []  # not a space


def test_max_depth_suggested_only_and_removed_children(alice):
    space, subspace, deep, general = build_tree(alice)
    assert room_ids(hierarchy(alice, space, max_depth=0)) == [space]
    assert room_ids(hierarchy(alice, space, max_depth=1)) == [space, subspace, general]
    add_child(alice, space, subspace, order="a", suggested=True)
    assert room_ids(hierarchy(alice, space, suggested_only="true")) == [space, subspace, deep]
    set_state(alice, space, "m.space.child", {}, general)  # no `via`: no longer a child
    assert room_ids(hierarchy(alice, space)) == [space, subspace, deep]


def test_rooms_the_requester_may_not_see_are_skipped(alice, bob):
    space = create_room(alice, preset="public_chat", creation_content=SPACE)
    secret = create_room(alice)
    invited = create_room(alice, invite=[bob.user_id])
    readable = create_room(alice)
    set_state(alice, readable, "m.room.history_visibility",
              {"history_visibility": "world_readable"})
    knockable = create_room(alice)
    set_state(alice, knockable, "m.room.join_rules", {"join_rule": "knock"})
    for child in (secret, invited, readable, knockable, "!unknown:localhost"):
        add_child(alice, space, child)
    assert sorted(room_ids(hierarchy(bob, space))[1:]) == sorted([invited, readable, knockable])
    assert len(room_ids(hierarchy(alice, space))) == 5


def test_loops_are_broken_and_rooms_listed_once(alice):
    first = create_room(alice, preset="public_chat", creation_content=SPACE)
    second = create_room(alice, preset="public_chat", creation_content=SPACE)
    add_child(alice, first, second)
    add_child(alice, second, first)
    assert room_ids(hierarchy(alice, first)) == [first, second]


def test_pagination(alice):
    space = create_room(alice, preset="public_chat", creation_content=SPACE)
    children = [create_room(alice, preset="public_chat") for _ in range(5)]
    for index, child in enumerate(children):
        add_child(alice, space, child, order=f"{index:02d}")
    first = hierarchy(alice, space, limit=2)
    assert room_ids(first) == [space, children[0]]
    second = hierarchy(alice, space, limit=2, **{"from": first["next_batch"]})
    assert room_ids(second) == children[1:3]
    third = hierarchy(alice, space, limit=2, **{"from": second["next_batch"]})
    assert room_ids(third) == children[3:] and "next_batch" not in third
    resp = alice.get(f"{C1}/rooms/{space}/hierarchy",
                     params={"from": first["next_batch"], "max_depth": 3})
    assert_matrix_error(resp, 400, "M_INVALID_PARAM")
    resp = alice.get(f"{C1}/rooms/{space}/hierarchy",
                     params={"from": first["next_batch"], "suggested_only": "true"})
    assert_matrix_error(resp, 400, "M_INVALID_PARAM")


def test_hierarchy_errors(alice, bob):
    private_space = create_room(alice, creation_content=SPACE)
    base = f"{C1}/rooms/{private_space}/hierarchy"
    assert_matrix_error(bob.get(base), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.get(f"{C1}/rooms/!nowhere:localhost/hierarchy"), 403,
                        "M_FORBIDDEN")
    assert_matrix_error(alice.get(base, params={"limit": "0"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"max_depth": "-1"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(base, params={"from": "bogus"}), 400, "M_INVALID_PARAM")


# room summaries


def test_room_summary_by_id_and_alias(alice, bob, server):
    alias_name = unique_name("summary")
    room_id = create_room(alice, preset="public_chat", name="Summary", topic="About",
                          room_alias_name=alias_name)
    set_state(alice, room_id, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"})
    body = alice.get(f"{C1}/room_summary/{room_id}").json()
    assert body == {
        "room_id": room_id, "name": "Summary", "topic": "About", "num_joined_members": 1,
        "canonical_alias": f"#{alias_name}:localhost", "world_readable": False,
        "guest_can_join": False, "join_rule": "public", "room_version": "12",
        "encryption": "m.megolm.v1.aes-sha2", "membership": "join",
    }
    by_alias = bob.get(f"{C1}/room_summary/%23{alias_name}:localhost").json()
    assert by_alias["room_id"] == room_id and "membership" not in by_alias
    anonymous = httpx.get(f"{server.url}{C1}/room_summary/{room_id}").json()
    assert anonymous["room_id"] == room_id and "membership" not in anonymous


def test_room_summary_of_private_rooms(alice, bob, server):
    room_id = create_room(alice)
    assert_matrix_error(bob.get(f"{C1}/room_summary/{room_id}"), 404, "M_NOT_FOUND")
    assert_matrix_error(httpx.get(f"{server.url}{C1}/room_summary/{room_id}"), 404,
                        "M_NOT_FOUND")
    assert alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id}).status_code == 200
    assert bob.get(f"{C1}/room_summary/{room_id}").json()["membership"] == "invite"
    restricted = create_room(alice)
    set_state(alice, restricted, "m.room.join_rules", {
        "join_rule": "restricted",
        "allow": [{"type": "m.room_membership", "room_id": room_id}]})
    assert_matrix_error(bob.get(f"{C1}/room_summary/{restricted}"), 404, "M_NOT_FOUND")
    join(bob, room_id)
    body = bob.get(f"{C1}/room_summary/{restricted}").json()
    assert body["join_rule"] == "restricted" and body["allowed_room_ids"] == [room_id]
    assert_matrix_error(bob.get(f"{C1}/room_summary/!nowhere:localhost"), 404, "M_NOT_FOUND")
    assert_matrix_error(bob.get(f"{C1}/room_summary/%23nothing:localhost"), 404,
                        "M_NOT_FOUND")
