"""The published room directory (spec: list_public_rooms.yaml, `GET/POST /publicRooms`).

Most tests run on a private server so that the directory holds only their rooms.
"""

import httpx
import pytest

from tests.api.rooms_extras_helpers import create_room, join, set_state
from tests.helpers import C3, assert_matrix_error, register, unique_name


@pytest.fixture
def directory_server(make_server):
    return make_server()


def test_published_room_chunk(directory_server):
    alice = register(directory_server.url)
    bob = register(directory_server.url)
    alias_name = unique_name("lounge")
    room_id = create_room(alice, visibility="public", name="Lounge", topic="Coffee talk",
                          room_alias_name=alias_name)
    set_state(alice, room_id, "m.room.avatar", {"url": "mxc://localhost/avatar"})
    set_state(alice, room_id, "m.room.history_visibility",
              {"history_visibility": "world_readable"})
    join(bob, room_id)
    create_room(alice)  # private rooms are not listed
    space_id = create_room(alice, visibility="public", creation_content={"type": "m.space"})
    body = bob.get("/publicRooms").json()
    assert body["total_room_count_estimate"] == 2
    assert "next_batch" not in body and "prev_batch" not in body
    assert body["chunk"][0] == {
        "room_id": room_id, "num_joined_members": 2, "name": "Lounge", "topic": "Coffee talk",
        "avatar_url": "mxc://localhost/avatar", "canonical_alias": f"#{alias_name}:localhost",
        "world_readable": True, "guest_can_join": False, "join_rule": "public",
    }
    assert body["chunk"][1] == {
        "room_id": space_id, "num_joined_members": 1, "world_readable": False,
        "guest_can_join": False, "join_rule": "public", "room_type": "m.space",
    }


def test_unpublished_rooms_leave_the_directory(directory_server):
    alice = register(directory_server.url)
    room_id = create_room(alice, visibility="public")
    assert [r["room_id"] for r in alice.get("/publicRooms").json()["chunk"]] == [room_id]
    alice.put(f"/directory/list/room/{room_id}", {"visibility": "private"})
    assert alice.get("/publicRooms").json()["chunk"] == []
    other = create_room(alice)
    alice.put(f"/directory/list/room/{other}", {"visibility": "public"})
    assert [r["room_id"] for r in alice.get("/publicRooms").json()["chunk"]] == [other]


def test_pagination_walks_every_room_once_both_ways(directory_server):
    alice = register(directory_server.url)
    members = [register(directory_server.url) for _ in range(3)]
    rooms = [create_room(alice, visibility="public", name=f"room {i}") for i in range(7)]
    for count, room_id in zip((3, 2, 1), rooms, strict=False):
        for member in members[:count]:
            join(member, room_id)
    seen, pages, since = [], [], None
    while True:
        body = alice.post("/publicRooms", {"limit": 3, **({"since": since} if since else {})})
        body = body.json()
        assert body["total_room_count_estimate"] == 7
        pages.append(body)
        seen.extend(r["room_id"] for r in body["chunk"])
        since = body.get("next_batch")
        if since is None:
            break
    assert [len(p["chunk"]) for p in pages] == [3, 3, 1]
    assert sorted(seen) == sorted(rooms) and len(set(seen)) == 7
    assert seen[:3] == rooms[:3]  # most joined members first
    assert "prev_batch" not in pages[0] and "prev_batch" in pages[1]
    back = alice.get(f"/publicRooms?limit=3&since={pages[2]['prev_batch']}").json()
    assert back["chunk"] == pages[1]["chunk"]
    first = alice.get(f"/publicRooms?limit=3&since={back['prev_batch']}").json()
    assert first["chunk"] == pages[0]["chunk"] and "prev_batch" not in first


def test_search_term_and_room_types(directory_server):
    alice = register(directory_server.url)
    kitchen = create_room(alice, visibility="public", name="Kitchen", topic="recipes")
    garden = create_room(alice, visibility="public", name="Garden",
                         topic="Tomatoes and RECIPES")
    space = create_room(alice, visibility="public", name="Home",
                        creation_content={"type": "m.space"})

    def found(**room_filter):
        body = alice.post("/publicRooms", {"filter": room_filter}).json()
        return sorted(r["room_id"] for r in body["chunk"])

    assert found(generic_search_term="recipes") == sorted([kitchen, garden])
    assert found(generic_search_term="kitch") == [kitchen]
    assert found(generic_search_term="nothing like this") == []
    assert found(room_types=["m.space"]) == [space]
    assert found(room_types=[None]) == sorted([kitchen, garden])
    assert found(room_types=[None, "m.space"]) == sorted([kitchen, garden, space])


def test_public_rooms_errors(alice, server):
    assert_matrix_error(httpx.get(f"{server.url}{C3}/publicRooms"), 401, "M_MISSING_TOKEN")
    assert_matrix_error(alice.get("/publicRooms?since=garbage"), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/publicRooms?limit=x"), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.post("/publicRooms", {"limit": "ten"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.post("/publicRooms", {"filter": {"room_types": "m.space"}}),
                        400, "M_BAD_JSON")
    assert_matrix_error(alice.post("/publicRooms", {"filter": {"generic_search_term": 3}}),
                        400, "M_BAD_JSON")


def test_other_servers_directories_are_empty_without_federation(alice):
    create_room(alice, visibility="public")
    assert alice.get("/publicRooms?server=matrix.org").json() == {
        "chunk": [], "total_room_count_estimate": 0}
    assert alice.post("/publicRooms?server=matrix.org", {}).json()["chunk"] == []
    assert alice.get("/publicRooms?server=localhost").json()["chunk"] != []
