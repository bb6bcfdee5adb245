"""Room aliases and a room's visibility in the published room directory (spec:
directory.yaml, list_public_rooms.yaml `/directory/list/room`)."""

import httpx

from tests.api.rooms_extras_helpers import create_room, get_state, join, set_state
from tests.helpers import C3, assert_matrix_error, register, unique_name


def alias_path(alias: str) -> str:
    return "/directory/room/" + alias.replace("#", "%23")


def test_create_resolve_and_delete_an_alias(alice, bob, server):
    room_id = create_room(alice)
    alias = f"#{unique_name('team')}:localhost"
    assert alice.put(alias_path(alias), {"room_id": room_id}).json() == {}
    assert bob.get(alias_path(alias)).json() == {"room_id": room_id, "servers": ["localhost"]}
    anonymous = httpx.get(f"{server.url}{C3}{alias_path(alias)}")
    assert anonymous.json()["room_id"] == room_id
    assert alice.get(f"/rooms/{room_id}/aliases").json() == {"aliases": [alias]}
    assert alice.delete(alias_path(alias)).json() == {}
    assert_matrix_error(bob.get(alias_path(alias)), 404, "M_NOT_FOUND")
    assert alice.get(f"/rooms/{room_id}/aliases").json() == {"aliases": []}


def test_alias_errors(alice, bob):
    room_id = create_room(alice)
    alias = f"#{unique_name('taken')}:localhost"
    assert alice.put(alias_path(alias), {"room_id": room_id}).status_code == 200
    other_room = create_room(alice)
    assert_matrix_error(alice.put(alias_path(alias), {"room_id": other_room}), 409, "M_UNKNOWN")
    assert_matrix_error(alice.put(alias_path("#bad alias:localhost"), {"room_id": room_id}),
                        400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(alias_path("#x:elsewhere.org"), {"room_id": room_id}),
                        400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(alias_path(f"#{unique_name()}:localhost"), {}),
                        400, "M_MISSING_PARAM")
    assert_matrix_error(alice.put(alias_path(f"#{unique_name()}:localhost"),
                                  {"room_id": "!nowhere:localhost"}), 404, "M_NOT_FOUND")
    # Only members may point aliases at a room.
    assert_matrix_error(bob.put(alias_path(f"#{unique_name()}:localhost"),
                                {"room_id": room_id}), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.get(alias_path("no-hash")), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get(alias_path("#room:elsewhere.org")), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.get(alias_path(f"#{unique_name()}:localhost")), 404,
                        "M_NOT_FOUND")
    assert_matrix_error(alice.delete(alias_path(f"#{unique_name()}:localhost")), 404,
                        "M_NOT_FOUND")


def test_only_the_alias_creator_a_moderator_or_an_admin_may_delete(alice, bob, server):
    room_id = create_room(alice, preset="public_chat")
    join(bob, room_id)
    alias_by_bob = f"#{unique_name('bobs')}:localhost"
    alias_by_alice = f"#{unique_name('alices')}:localhost"
    assert bob.put(alias_path(alias_by_bob), {"room_id": room_id}).status_code == 200
    assert alice.put(alias_path(alias_by_alice), {"room_id": room_id}).status_code == 200
    # Bob (power 0) may delete his own alias but not Alice's.
    assert_matrix_error(bob.delete(alias_path(alias_by_alice)), 403, "M_FORBIDDEN")
    assert bob.delete(alias_path(alias_by_bob)).status_code == 200
    # Alice may set the canonical alias: she may delete others' aliases.
    assert bob.put(alias_path(alias_by_bob), {"room_id": room_id}).status_code == 200
    assert alice.delete(alias_path(alias_by_bob)).status_code == 200
    # A server admin may delete any alias, even outside the room.
    admin = register(server.url)
    result = server.cli("user", "set-admin", admin.user_id, "on")
    assert result.returncode == 0, result.stderr
    assert admin.delete(alias_path(alias_by_alice)).status_code == 200


def test_deleting_an_alias_drops_it_from_the_canonical_alias(alice):
    room_id = create_room(alice)
    main = f"#{unique_name('main')}:localhost"
    alt = f"#{unique_name('alt')}:localhost"
    for alias in (main, alt):
        assert alice.put(alias_path(alias), {"room_id": room_id}).status_code == 200
    set_state(alice, room_id, "m.room.canonical_alias", {"alias": main, "alt_aliases": [alt]})
    assert alice.delete(alias_path(alt)).status_code == 200
    assert get_state(alice, room_id, "m.room.canonical_alias") == {"alias": main,
                                                                   "alt_aliases": []}
    assert alice.delete(alias_path(main)).status_code == 200
    assert get_state(alice, room_id, "m.room.canonical_alias") == {"alt_aliases": []}


def test_local_aliases_need_membership_unless_world_readable(alice, bob):
    room_id = create_room(alice)
    alias = f"#{unique_name('seen')}:localhost"
    assert alice.put(alias_path(alias), {"room_id": room_id}).status_code == 200
    assert_matrix_error(bob.get(f"/rooms/{room_id}/aliases"), 403, "M_FORBIDDEN")
    set_state(alice, room_id, "m.room.history_visibility",
              {"history_visibility": "world_readable"})
    assert bob.get(f"/rooms/{room_id}/aliases").json() == {"aliases": [alias]}
    assert_matrix_error(bob.get("/rooms/!unknown:localhost/aliases"), 404, "M_NOT_FOUND")


def test_canonical_alias_must_point_to_the_room(alice):
    room_id = create_room(alice)
    other = create_room(alice)
    alias = f"#{unique_name('elsewhere')}:localhost"
    assert alice.put(alias_path(alias), {"room_id": other}).status_code == 200
    resp = alice.put(f"/rooms/{room_id}/state/m.room.canonical_alias/", {"alias": alias})
    assert_matrix_error(resp, 400, "M_BAD_ALIAS")


def test_directory_visibility_round_trip(alice, bob, server):
    room_id = create_room(alice)
    path = f"/directory/list/room/{room_id}"
    assert alice.get(path).json() == {"visibility": "private"}
    assert alice.put(path, {"visibility": "public"}).json() == {}
    assert httpx.get(f"{server.url}{C3}{path}").json() == {"visibility": "public"}
    assert alice.put(path, {"visibility": "private"}).status_code == 200
    assert alice.get(path).json() == {"visibility": "private"}
    assert alice.put(path, {}).status_code == 200  # the spec's default is public
    assert alice.get(path).json() == {"visibility": "public"}
    public_room = create_room(alice, visibility="public")
    assert alice.get(f"/directory/list/room/{public_room}").json() == {"visibility": "public"}


def test_directory_visibility_errors(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    path = f"/directory/list/room/{room_id}"
    assert_matrix_error(bob.put(path, {"visibility": "public"}), 403, "M_FORBIDDEN")
    join(bob, room_id)
    assert_matrix_error(bob.put(path, {"visibility": "public"}), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.put(path, {"visibility": "secret"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/directory/list/room/!nope:localhost"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.put("/directory/list/room/!nope:localhost",
                                  {"visibility": "public"}), 404, "M_NOT_FOUND")
