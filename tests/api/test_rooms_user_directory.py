"""User directory search (spec: users.yaml): every local user by default, or only users
sharing a room or in public rooms with `[user_directory] search_all_users = false`."""

from tests.api.rooms_extras_helpers import create_room, join, set_state
from tests.helpers import assert_matrix_error, register, unique_name


def named(server, displayname: str | None = None, localpart: str | None = None):
    user = register(server.url, localpart)
    if displayname is not None:
        resp = user.put(f"/profile/{user.user_id}/displayname", {"displayname": displayname})
        assert resp.status_code == 200
    return user


def search(user, term: str, **extra):
    resp = user.post("/user_directory/search", {"search_term": term, **extra})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_every_local_user_is_found_by_id_or_display_name(server, alice):
    tag = unique_name("zebra")
    stranger = named(server, f"Émilie {tag.upper()} Dupont")
    other = named(server, None, f"{tag}x")
    body = search(alice, tag)
    assert body["limited"] is False
    assert [r["user_id"] for r in body["results"]] == [other.user_id, stranger.user_id]
    assert body["results"][1] == {"user_id": stranger.user_id,
                                  "display_name": f"Émilie {tag.upper()} Dupont"}
    assert [r["user_id"] for r in search(alice, f"émilie {tag}")["results"]] == [
        stranger.user_id]
    assert search(alice, f"{tag} nobody-matches-this")["results"] == []


def test_avatar_is_returned_and_ranking_prefers_closer_matches(server, alice):
    tag = unique_name("quokka")
    substring = named(server, f"the{tag}fan")
    word_start = named(server, f"Big {tag}")
    prefix = named(server, f"{tag} Smith")
    exact = named(server, tag)
    exact.put(f"/profile/{exact.user_id}/avatar_url", {"avatar_url": "mxc://localhost/abc"})
    results = search(alice, tag)["results"]
    assert [r["user_id"] for r in results] == [exact.user_id, prefix.user_id,
                                               word_start.user_id, substring.user_id]
    assert results[0]["avatar_url"] == "mxc://localhost/abc"


def test_limit_and_limited(server, alice):
    tag = unique_name("lemur")
    for i in range(4):
        named(server, f"{tag} {i}")
    assert len(search(alice, tag)["results"]) == 4
    body = search(alice, tag, limit=2)
    assert len(body["results"]) == 2 and body["limited"] is True
    assert search(alice, tag, limit=4)["limited"] is False


def test_deactivated_users_are_not_found(server, alice):
    tag = unique_name("gone")
    leaver = named(server, tag)
    assert [r["user_id"] for r in search(alice, tag)["results"]] == [leaver.user_id]
    resp = leaver.post("/account/deactivate", {"auth": leaver.password_auth()})
    assert resp.status_code == 200, resp.text
    assert search(alice, tag)["results"] == []


def test_search_errors(alice):
    assert_matrix_error(alice.post("/user_directory/search", {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.post("/user_directory/search", {"search_term": 5}), 400,
                        "M_BAD_JSON")
    assert_matrix_error(alice.post("/user_directory/search",
                                   {"search_term": "a", "limit": "5"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.post("/user_directory/search",
                                   {"search_term": "a", "limit": -1}), 400, "M_INVALID_PARAM")


def test_restricted_directory_shows_only_users_sharing_or_in_public_rooms(make_server):
    server = make_server(user_directory_search_all_users="false")
    tag = unique_name("otter")
    searcher = named(server, f"{tag} searcher")
    roommate = named(server, f"{tag} roommate")
    public_member = named(server, f"{tag} public")
    reader = named(server, f"{tag} reader")
    stranger = named(server, f"{tag} stranger")
    join(roommate, create_room(searcher, invite=[roommate.user_id]))
    create_room(public_member, preset="public_chat")
    readable = create_room(reader)
    set_state(reader, readable, "m.room.history_visibility",
              {"history_visibility": "world_readable"})
    create_room(stranger)
    found = {r["user_id"] for r in search(searcher, tag)["results"]}
    assert found == {searcher.user_id, roommate.user_id, public_member.user_id,
                     reader.user_id}
    assert stranger.user_id in {r["user_id"] for r in search(stranger, tag)["results"]}
    # Sharing a room makes the stranger visible.
    join(stranger, create_room(searcher, invite=[stranger.user_id]))
    assert stranger.user_id in {r["user_id"] for r in search(searcher, tag)["results"]}
