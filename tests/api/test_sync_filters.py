"""Filters: uploading and reading them (filter.yaml), and what they do to /sync, by ID or
inline: limits, types, senders, rooms, contains_url, event_fields, event_format,
lazy-loading members (spec: "Filtering", "Lazy-loading room members")."""

from tests.helpers import assert_matrix_error
from tests.sync_helpers import (
    bodies,
    create_room,
    joined_room,
    send_text,
    shared_room,
    state_keys,
    sync,
)

LAZY = {"room": {"state": {"lazy_load_members": True}, "timeline": {"limit": 3}}}


def test_a_filter_is_stored_and_read_back(alice):
    definition = {"room": {"timeline": {"limit": 5, "types": ["m.room.message"]}},
                  "event_fields": ["type", "content"]}
    resp = alice.post(f"/user/{alice.user_id}/filter", definition)
    assert resp.status_code == 200
    filter_id = resp.json()["filter_id"]
    assert not filter_id.startswith("{")
    assert alice.get(f"/user/{alice.user_id}/filter/{filter_id}").json() == definition
    # The same filter again gets the same ID back.
    assert alice.post(f"/user/{alice.user_id}/filter", definition).json() == {
        "filter_id": filter_id}


def test_filters_belong_to_their_user(alice, bob):
    filter_id = alice.post(f"/user/{alice.user_id}/filter", {}).json()["filter_id"]
    assert_matrix_error(bob.get(f"/user/{alice.user_id}/filter/{filter_id}"), 403,
                        "M_FORBIDDEN")
    assert_matrix_error(bob.post(f"/user/{alice.user_id}/filter", {}), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.get(f"/user/{alice.user_id}/filter/999999"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.get(f"/user/{alice.user_id}/filter/abc"), 404, "M_NOT_FOUND")
    assert_matrix_error(bob.get("/sync", params={"filter": filter_id}), 400,
                        "M_INVALID_PARAM")


def test_a_malformed_filter_is_refused(alice):
    url = f"/user/{alice.user_id}/filter"
    assert_matrix_error(alice.post(url, {"room": {"timeline": {"limit": "ten"}}}), 400,
                        "M_BAD_JSON")
    assert_matrix_error(alice.post(url, {"event_format": "xml"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.post(url, {"room": {"rooms": "!a:b"}}), 400, "M_BAD_JSON")


def test_a_filter_by_id_and_the_same_filter_inline_agree(alice, bob):
    room_id = shared_room(alice, bob)
    for i in range(4):
        send_text(alice, room_id, f"m{i}")
        send_text(bob, room_id, f"b{i}")
    definition = {"room": {"timeline": {"limit": 3, "senders": [alice.user_id]}}}
    filter_id = alice.post(f"/user/{alice.user_id}/filter", definition).json()["filter_id"]
    by_id = joined_room(sync(alice, filter=filter_id), room_id)
    inline = joined_room(sync(alice, filter=definition), room_id)
    assert bodies(by_id) == bodies(inline) == ["m1", "m2", "m3"]
    assert by_id["timeline"]["limited"] is True


def test_types_and_not_types(alice):
    room_id = create_room(alice)
    send_text(alice, room_id, "text")
    alice.put(f"/rooms/{room_id}/send/org.example.custom/t1", {"x": 1})
    only = joined_room(sync(alice, filter={"room": {"timeline": {"types": ["org.example.*"]}}}),
                       room_id)
    assert [e["type"] for e in only["timeline"]["events"]] == ["org.example.custom"]
    without = joined_room(sync(alice, filter={"room": {"timeline": {
        "not_types": ["m.room.*", "org.*"]}}}), room_id)
    assert without["timeline"]["events"] == []


def test_rooms_and_not_rooms(alice):
    first, second = create_room(alice), create_room(alice)
    assert set(sync(alice, filter={"room": {"rooms": [first]}})["rooms"]["join"]) == {first}
    assert second not in sync(alice, filter={"room": {"not_rooms": [second]}})["rooms"]["join"]
    timeline_only = {"room": {"timeline": {"not_rooms": [second]}}}
    rooms = sync(alice, filter=timeline_only)["rooms"]["join"]
    assert rooms[second]["timeline"]["events"] == [] and rooms[first]["timeline"]["events"]


def test_contains_url(alice):
    room_id = create_room(alice)
    send_text(alice, room_id, "plain")
    alice.put(f"/rooms/{room_id}/send/m.room.message/img", {
        "msgtype": "m.image", "body": "cat.png", "url": "mxc://localhost/cat"})
    with_url = joined_room(sync(alice, filter={"room": {"timeline": {"contains_url": True}}}),
                           room_id)
    assert bodies(with_url) == ["cat.png"]


def test_event_fields_keep_only_the_listed_fields(alice):
    room_id = create_room(alice)
    send_text(alice, room_id, "trimmed")
    room = joined_room(sync(alice, filter={"event_fields": ["type", "content.body"]}), room_id)
    assert room["timeline"]["events"][-1] == {"type": "m.room.message",
                                              "content": {"body": "trimmed"}}


def test_event_format_federation_returns_pdus(alice):
    room_id = create_room(alice)
    send_text(alice, room_id, "raw")
    room = joined_room(sync(alice, filter={"event_format": "federation"}), room_id)
    last = room["timeline"]["events"][-1]
    assert {"prev_events", "auth_events", "depth", "hashes", "signatures"} <= set(last)
    assert last["content"]["body"] == "raw"


def test_account_data_and_presence_filters(alice):
    alice.put(f"/user/{alice.user_id}/account_data/org.example.a", {"a": 1})
    alice.put(f"/user/{alice.user_id}/account_data/org.example.b", {"b": 1})
    body = sync(alice, filter={"account_data": {"types": ["org.example.b"]},
                               "presence": {"not_types": ["*"]}})
    assert body["account_data"]["events"] == [{"type": "org.example.b", "content": {"b": 1}}]
    assert body["presence"]["events"] == []


def test_lazy_loading_returns_only_the_senders_members(alice, bob, server):
    from tests.helpers import register

    carol, dave = register(server.url), register(server.url)
    room_id = shared_room(alice, bob, carol, dave, name="Named, so no heroes")
    for i in range(3):
        send_text(bob, room_id, f"bob {i}")
    room = joined_room(sync(alice, filter=LAZY), room_id)
    assert bodies(room) == ["bob 0", "bob 1", "bob 2"]
    # The senders (bob) and the syncing user, not carol or dave.
    assert state_keys(room["state"]["events"]) == {bob.user_id, alice.user_id}
    full = joined_room(sync(alice, filter={"room": {"timeline": {"limit": 3}}}), room_id)
    assert state_keys(full["state"]["events"]) == {alice.user_id, bob.user_id,
                                                   carol.user_id, dave.user_id}


def test_lazy_loading_skips_redundant_members_unless_asked(alice, bob):
    room_id = shared_room(alice, bob)
    send_text(bob, room_id, "first")
    since = sync(alice, filter=LAZY)["next_batch"]
    send_text(bob, room_id, "second")
    room = joined_room(sync(alice, since, filter=LAZY), room_id)
    assert bodies(room) == ["second"] and room["state"]["events"] == []
    redundant = {"room": {"state": {"lazy_load_members": True,
                                    "include_redundant_members": True}}}
    since = sync(alice, filter=redundant)["next_batch"]
    send_text(bob, room_id, "third")
    room = joined_room(sync(alice, since, filter=redundant), room_id)
    assert state_keys(room["state"]["events"]) == {bob.user_id}


def test_lazy_loading_sends_a_new_senders_member_event(alice, bob, server):
    from tests.helpers import register

    carol = register(server.url)
    room_id = shared_room(alice, bob, carol, name="Named")
    for i in range(3):  # carol's join is out of the (3 events) timeline
        send_text(bob, room_id, f"bob speaks {i}")
    since = sync(alice, filter=LAZY)["next_batch"]
    send_text(carol, room_id, "carol speaks")
    room = joined_room(sync(alice, since, filter=LAZY), room_id)
    assert state_keys(room["state"]["events"]) == {carol.user_id}


def test_lazy_loading_includes_the_heroes_of_an_unnamed_room(alice, bob, server):
    from tests.helpers import register

    carol = register(server.url)
    room_id = shared_room(alice, bob, carol)
    for i in range(3):
        send_text(bob, room_id, f"bob {i}")
    room = joined_room(sync(alice, filter=LAZY), room_id)
    assert room["summary"]["m.heroes"] == [bob.user_id, carol.user_id]
    assert state_keys(room["state"]["events"]) == {alice.user_id, bob.user_id, carol.user_id}


def test_lazy_loading_sends_member_changes_from_a_gap(alice, bob, server):
    from tests.helpers import register

    carol = register(server.url)
    room_id = shared_room(alice, bob, carol, name="Named")
    since = sync(alice, filter=LAZY)["next_batch"]
    carol.put(f"/profile/{carol.user_id}/displayname", {"displayname": "Carol Renamed"})
    for i in range(5):
        send_text(bob, room_id, f"bob {i}")
    room = joined_room(sync(alice, since, filter=LAZY), room_id)
    assert room["timeline"]["limited"] is True
    members = {e["state_key"]: e for e in room["state"]["events"]
               if e["type"] == "m.room.member"}
    assert members[carol.user_id]["content"]["displayname"] == "Carol Renamed"
