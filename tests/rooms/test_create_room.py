"""POST /createRoom: versions, presets, options and what bad input gets."""

import concurrent.futures
import re
import sqlite3

import pytest

from tests.helpers import assert_matrix_error, create_room, unique_name


def state(client, room_id, event_type, state_key=""):
    resp = client.get(f"/rooms/{room_id}/state/{event_type}/{state_key}")
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_default_room_version_is_12_with_a_hash_room_id(alice):
    room_id = create_room(alice)
    assert re.fullmatch(r"![A-Za-z0-9_-]{43}", room_id), room_id
    create = state(alice, room_id, "m.room.create")
    assert create["room_version"] == "12" and "creator" not in create


@pytest.mark.parametrize("version", ["10", "11"])
def test_older_versions_get_server_scoped_room_ids(alice, server, version):
    room_id = create_room(alice, room_version=version)
    assert room_id.endswith(f":{server.server_name}")
    create = state(alice, room_id, "m.room.create")
    assert create["room_version"] == version
    assert (create.get("creator") == alice.user_id) == (version == "10")


def test_unknown_room_version_is_refused(alice):
    resp = alice.post("/createRoom", {"room_version": "9"})
    assert_matrix_error(resp, 400, "M_UNSUPPORTED_ROOM_VERSION")


def test_presets_set_join_rules_history_and_guest_access(alice):
    public = create_room(alice, preset="public_chat")
    assert state(alice, public, "m.room.join_rules")["join_rule"] == "public"
    assert state(alice, public, "m.room.guest_access")["guest_access"] == "forbidden"
    private = create_room(alice)
    assert state(alice, private, "m.room.join_rules")["join_rule"] == "invite"
    assert state(alice, private, "m.room.history_visibility")["history_visibility"] == "shared"
    via_visibility = create_room(alice, visibility="public")
    assert state(alice, via_visibility, "m.room.join_rules")["join_rule"] == "public"


def test_trusted_private_chat_gives_invitees_the_creators_power(alice, bob):
    v11 = create_room(alice, preset="trusted_private_chat", invite=[bob.user_id],
                      room_version="11")
    assert state(alice, v11, "m.room.power_levels")["users"][bob.user_id] == 100
    v12 = create_room(alice, preset="trusted_private_chat", invite=[bob.user_id])
    assert bob.user_id in state(alice, v12, "m.room.create")["additional_creators"]
    levels = state(alice, v12, "m.room.power_levels")
    assert alice.user_id not in levels["users"] and bob.user_id not in levels["users"]
    assert levels["events"]["m.room.tombstone"] > levels["state_default"]


def test_name_topic_alias_invites_and_direct(alice, bob, server):
    alias_name = unique_name("alias")
    resp = alice.post("/createRoom", {
        "name": "Team", "topic": "Plans", "room_alias_name": alias_name,
        "invite": [bob.user_id], "is_direct": True})
    assert resp.status_code == 200
    body = resp.json()
    room_id = body["room_id"]
    assert body["room_alias"] == f"#{alias_name}:{server.server_name}"
    assert state(alice, room_id, "m.room.name") == {"name": "Team"}
    assert state(alice, room_id, "m.room.topic")["topic"] == "Plans"
    assert state(alice, room_id, "m.room.canonical_alias") == {"alias": body["room_alias"]}
    invite = state(alice, room_id, "m.room.member", bob.user_id)
    assert invite["membership"] == "invite" and invite["is_direct"] is True


def test_initial_state_override_and_creation_content(alice):
    room_id = create_room(
        alice, initial_state=[{"type": "m.room.history_visibility", "state_key": "",
                               "content": {"history_visibility": "joined"}},
                              {"type": "org.example.custom", "content": {"x": 1}}],
        power_level_content_override={"events_default": 20},
        creation_content={"m.federate": False, "type": "m.space"})
    assert state(alice, room_id, "m.room.history_visibility")["history_visibility"] == "joined"
    assert state(alice, room_id, "org.example.custom") == {"x": 1}
    assert state(alice, room_id, "m.room.power_levels")["events_default"] == 20
    create = state(alice, room_id, "m.room.create")
    assert create["m.federate"] is False and create["type"] == "m.space"


def test_alias_in_use_is_400_room_in_use(alice, bob):
    name = unique_name("taken")
    create_room(alice, room_alias_name=name)
    assert_matrix_error(bob.post("/createRoom", {"room_alias_name": name}), 400, "M_ROOM_IN_USE")


def test_bad_input_leaves_no_room_behind(alice, server):
    before = alice.get("/joined_rooms").json()["joined_rooms"]
    bad_states = [
        [{"type": "m.room.join_rules", "content": {"join_rule": "sometimes"}}],
        [{"type": "m.room.name", "content": {"name": 5}}],
        [{"type": "m.room.member", "state_key": alice.user_id, "content": {}}],
        [{"content": {}}],
    ]
    for initial_state in bad_states:
        resp = alice.post("/createRoom", {"initial_state": initial_state})
        assert resp.status_code == 400, resp.text
    assert_matrix_error(alice.post("/createRoom", {"preset": "secret_chat"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.post("/createRoom", {"visibility": "hidden"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.post("/createRoom", {"invite": ["not-a-user"]}), 400, "M_BAD_JSON")
    resp = alice.post("/createRoom", {"power_level_content_override": {"ban": "high"}})
    assert resp.status_code in (400, 403)
    assert alice.get("/joined_rooms").json()["joined_rooms"] == before
    with sqlite3.connect(server.data_dir / "closedserver.db") as db:
        orphans = db.execute("SELECT count(*) FROM rooms r WHERE NOT EXISTS "
                             "(SELECT 1 FROM events e WHERE e.room_id = r.room_id)").fetchone()
    assert orphans == (0,)


def test_parameters_the_creator_cannot_apply_are_400_invalid_room_state(alice, bob):
    """Spec (createRoom 400): initial state the parameters imply that the auth rules refuse,
    e.g. the creator's level set below what naming the room takes, is M_INVALID_ROOM_STATE;
    and nothing is left behind."""
    before = alice.get("/joined_rooms").json()["joined_rooms"]
    too_low = {"users": {alice.user_id: 10}, "events": {"m.room.name": 50}}
    resp = alice.post("/createRoom", {"room_version": "11", "name": "Nope",
                                      "power_level_content_override": too_low})
    assert_matrix_error(resp, 400, "M_INVALID_ROOM_STATE")
    cannot_invite = {"users": {alice.user_id: 10}, "invite": 50}
    resp = alice.post("/createRoom", {"room_version": "11", "invite": [bob.user_id],
                                      "power_level_content_override": cannot_invite})
    assert_matrix_error(resp, 400, "M_INVALID_ROOM_STATE")
    assert alice.get("/joined_rooms").json()["joined_rooms"] == before


def test_third_party_invites_are_refused_cleanly(alice):
    resp = alice.post("/createRoom", {"invite_3pid": [
        {"id_server": "id.example", "id_access_token": "x", "medium": "email",
         "address": "a@example.org"}]})
    assert_matrix_error(resp, 400, "M_INVALID_PARAM")


def test_identical_rooms_created_at_the_same_instant_get_distinct_ids(alice):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: alice.post("/createRoom", {"name": "same"}),
                                range(8)))
    assert all(r.status_code == 200 for r in results), [r.text for r in results]
    assert len({r.json()["room_id"] for r in results}) == 8
