"""Room upgrades (spec: room_upgrades.yaml and module room_upgrades.md "Server behaviour")."""

from tests.api.rooms_extras_helpers import create_room, get_state, join, say, set_state
from tests.helpers import assert_matrix_error, register, unique_name

COPIED = {
    "m.room.name": {"name": "Old name"},
    "m.room.avatar": {"url": "mxc://localhost/av"},
    "m.room.encryption": {"algorithm": "m.megolm.v1.aes-sha2"},
    "m.room.server_acl": {"allow": ["*"], "deny": [], "allow_ip_literals": False},
    "m.room.guest_access": {"guest_access": "forbidden"},
    "m.room.history_visibility": {"history_visibility": "shared"},
    "m.room.join_rules": {"join_rule": "public"},
}


def upgrade(user, room_id: str, version: str, **extra) -> str:
    resp = user.post(f"/rooms/{room_id}/upgrade", {"new_version": version, **extra})
    assert resp.status_code == 200, resp.text
    return resp.json()["replacement_room"]


def alias_path(alias: str) -> str:
    return "/directory/room/" + alias.replace("#", "%23")


def test_upgrade_end_to_end(alice, bob, server):
    carol = register(server.url)
    dave = register(server.url)
    alias_name = unique_name("upgraded")
    alias = f"#{alias_name}:localhost"
    old = create_room(alice, preset="public_chat", visibility="public", room_version="11",
                      room_alias_name=alias_name, topic="Old topic")
    for event_type, content in COPIED.items():
        set_state(alice, old, event_type, content)
    join(bob, old)
    levels = get_state(alice, old, "m.room.power_levels")
    levels["users"][bob.user_id] = 50
    set_state(alice, old, "m.room.power_levels", levels)
    join(carol, old)
    join(dave, old)
    assert alice.post(f"/rooms/{old}/ban", {"user_id": carol.user_id}).status_code == 200
    last_message = say(bob, old, "last words")

    new = upgrade(alice, old, "12")
    assert new != old

    # The old room: tombstoned, no canonical alias, no chat, out of the directory.
    tombstone = get_state(bob, old, "m.room.tombstone")
    assert tombstone == {"body": "This room has been replaced", "replacement_room": new}
    assert get_state(bob, old, "m.room.canonical_alias") == {}
    old_levels = get_state(bob, old, "m.room.power_levels")
    assert old_levels["events_default"] == 50 and old_levels["invite"] == 50
    assert_matrix_error(
        dave.put(f"/rooms/{old}/send/m.room.message/late", {"msgtype": "m.text", "body": "x"}),
        403, "M_FORBIDDEN")
    assert alice.get(f"/directory/list/room/{old}").json() == {"visibility": "private"}

    # The new room: predecessor, copied state, moved aliases, bans; members not moved.
    create = get_state(alice, new, "m.room.create")
    assert create["predecessor"] == {"room_id": old, "event_id": last_message}
    assert create["room_version"] == "12" and "type" not in create
    for event_type, content in COPIED.items():
        assert get_state(alice, new, event_type) == content, event_type
    assert get_state(alice, new, "m.room.topic")["topic"] == "Old topic"
    new_levels = get_state(alice, new, "m.room.power_levels")
    assert new_levels["users"] == {bob.user_id: 50}  # v12 creators are not listed
    assert new_levels["events"]["m.room.tombstone"] == 100
    assert alice.get(alias_path(alias)).json()["room_id"] == new
    assert get_state(alice, new, "m.room.canonical_alias") == {"alias": alias}
    assert alice.get(f"/rooms/{new}/aliases").json() == {"aliases": [alias]}
    assert alice.get(f"/directory/list/room/{new}").json() == {"visibility": "public"}
    members = alice.get(f"/rooms/{new}/members").json()["chunk"]
    assert {m["state_key"]: m["content"]["membership"] for m in members} == {
        alice.user_id: "join", carol.user_id: "ban"}
    join(bob, new)
    join(dave, new)
    assert_matrix_error(carol.post(f"/rooms/{new}/join"), 403, "M_FORBIDDEN")


def test_downgrade_from_v12_keeps_former_creators_as_admins(alice, bob):
    old = create_room(alice, preset="public_chat")
    join(bob, old)
    new = upgrade(alice, old, "11")
    assert get_state(alice, new, "m.room.create")["room_version"] == "11"
    assert get_state(alice, new, "m.room.power_levels")["users"] == {alice.user_id: 100}
    assert get_state(alice, new, "m.room.join_rules") == {"join_rule": "public"}


def test_an_upgrader_lacking_power_for_some_state_is_raised_only_while_copying(alice, bob):
    old = create_room(alice, preset="public_chat", room_version="11")
    join(bob, old)
    levels = get_state(alice, old, "m.room.power_levels")
    levels["users"][bob.user_id] = 60
    levels["events"]["m.room.tombstone"] = 60
    set_state(alice, old, "m.room.power_levels", levels)
    new = upgrade(bob, old, "10")
    assert get_state(bob, new, "m.room.create")["creator"] == bob.user_id
    final = get_state(bob, new, "m.room.power_levels")
    assert final["users"] == {alice.user_id: 100, bob.user_id: 60}
    assert get_state(bob, new, "m.room.history_visibility") == {
        "history_visibility": "shared"}
    # Bob's old level (60) is below state_default's 100 for power levels: he cannot raise
    # himself again.
    final["users"][bob.user_id] = 100
    assert_matrix_error(bob.put(f"/rooms/{new}/state/m.room.power_levels/", final), 403,
                        "M_FORBIDDEN")


def test_additional_creators_space_type_and_federation_flag(alice, bob):
    old = create_room(alice, preset="public_chat",
                      creation_content={"type": "m.space", "m.federate": False})
    child = create_room(alice, preset="public_chat")
    set_state(alice, old, "m.space.child", {"via": ["localhost"]}, child)
    join(bob, old)
    levels = get_state(alice, old, "m.room.power_levels")
    levels["users"][bob.user_id] = 100
    set_state(alice, old, "m.room.power_levels", levels)
    new = upgrade(alice, old, "12", additional_creators=[bob.user_id, alice.user_id])
    create = get_state(alice, new, "m.room.create")
    assert create["type"] == "m.space" and create["m.federate"] is False
    assert create["additional_creators"] == [bob.user_id]
    assert get_state(alice, new, "m.room.power_levels")["users"] == {}
    assert get_state(alice, new, "m.space.child", child) == {"via": ["localhost"]}


def test_upgrade_errors(alice, bob):
    room_id = create_room(alice, preset="public_chat")
    path = f"/rooms/{room_id}/upgrade"
    assert_matrix_error(alice.post(path, {"new_version": "99"}), 400,
                        "M_UNSUPPORTED_ROOM_VERSION")
    assert_matrix_error(alice.post(path, {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.post(path, {"new_version": "12", "additional_creators": ["x"]}),
                        400, "M_BAD_JSON")
    assert_matrix_error(bob.post(path, {"new_version": "12"}), 403, "M_FORBIDDEN")
    join(bob, room_id)
    assert_matrix_error(bob.post(path, {"new_version": "12"}), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.post("/rooms/!nowhere:localhost/upgrade", {"new_version": "12"}),
                        404, "M_NOT_FOUND")
    # Nothing was changed by the refused attempts.
    assert_matrix_error(alice.get(f"/rooms/{room_id}/state/m.room.tombstone/"), 404,
                        "M_NOT_FOUND")


def test_initial_state_replaces_the_preset_events_instead_of_following_them(alice):
    # Upgrades create rooms whose initial_state carries the old join rules; the preset's
    # own m.room.join_rules must not be sent first (a redundant, briefly wrong event).
    room_id = create_room(alice, preset="private_chat", initial_state=[
        {"type": "m.room.join_rules", "content": {"join_rule": "knock"}}])
    events = alice.get(f"/rooms/{room_id}/messages", params={"limit": 50}).json()["chunk"]
    join_rules = [e["content"] for e in events if e["type"] == "m.room.join_rules"]
    assert join_rules == [{"join_rule": "knock"}]
    assert [e["type"] for e in events].count("m.room.history_visibility") == 1
