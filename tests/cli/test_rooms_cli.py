"""`closedserver room list|show|members|create|join|make-admin|publish|alias` against a
running server: effects checked through the client API (matrix-nio where it has the call)."""

import nio

from tests.cli.admin_helpers import (
    cli_error,
    cli_json,
    cli_ok,
    joined_rooms,
    nio_client,
)
from tests.helpers import create_room, joined_room_with, register, send_text, unique_name


def test_room_list_and_show_describe_a_room(server, alice, bob):
    alias_name = unique_name("listed")
    room_id = joined_room_with(alice, bob, name=f"Room {alias_name}",
                               room_alias_name=alias_name)
    send_text(alice, room_id, "hello")
    rooms = cli_json(server, "room", "list", "--search", alias_name)
    assert [r["room_id"] for r in rooms] == [room_id]
    room = rooms[0]
    assert room["name"] == f"Room {alias_name}"
    assert room["canonical_alias"] == f"#{alias_name}:localhost"
    assert (room["version"], room["creator"]) == ("12", alice.user_id)
    assert (room["joined"], room["local"], room["remote"]) == (2, 2, 0)
    assert room["federate"] is True and room["encrypted"] is False
    assert room["last_activity_ts"] > 0
    shown = cli_json(server, "room", "show", f"#{alias_name}:localhost")
    assert shown["room_id"] == room_id and shown["aliases"] == [f"#{alias_name}:localhost"]
    assert shown["members"]["join"] == {"all": 2, "local": 2}
    assert shown["creators"] == [alice.user_id] and shown["join_rule"] == "invite"
    assert shown["public"] is False and shown["events"] >= 9
    assert shown["power_levels"]["ban"] == 50
    human = cli_ok(server, "room", "show", room_id)
    assert room_id in human and "members (join)" in human


def test_room_list_sorts_and_members_lists_power(server, alice, bob):
    tag = unique_name("sorted")
    small = create_room(alice, name=f"{tag} b small")
    big = joined_room_with(alice, bob, name=f"{tag} a big")
    by_members = cli_json(server, "room", "list", "--search", tag, "--sort", "members")
    assert [r["room_id"] for r in by_members] == [big, small]
    by_name = cli_json(server, "room", "list", "--search", tag, "--sort", "name")
    assert [r["room_id"] for r in by_name] == [big, small]
    send_text(alice, small, "now the most recent")
    by_activity = cli_json(server, "room", "list", "--search", tag)
    assert [r["room_id"] for r in by_activity] == [small, big]
    assert cli_error(server, "room", "list", "--sort", "size")
    members = {m["user_id"]: m for m in cli_json(server, "room", "members", big)}
    assert members[alice.user_id]["power_level"] == "creator"
    assert members[bob.user_id] == {"user_id": bob.user_id, "membership": "join",
                                    "displayname": bob.localpart, "local": True,
                                    "power_level": 0}
    assert big in cli_ok(server, "room", "list")


def test_unknown_rooms_and_users_are_one_line_errors(server, alice):
    room_id = create_room(alice)
    assert "M_NOT_FOUND" in cli_error(server, "room", "show", "!nope:localhost")
    assert "M_NOT_FOUND" in cli_error(server, "room", "members", "#nope:localhost")
    assert "M_INVALID_PARAM" in cli_error(server, "room", "show", "general")
    assert "M_NOT_FOUND" in cli_error(server, "room", "join", room_id, "nobody-at-all")
    assert "M_NOT_FOUND" in cli_error(server, "room", "make-admin", "!nope:localhost",
                                      alice.localpart)


def test_room_create_as_the_service_user_with_alias_invite_and_encryption(server, alice):
    alias_name = unique_name("created")
    created = cli_json(server, "room", "create", "--name", "Made by CLI", "--alias",
                       alias_name, "--invite", alice.localpart, "--encrypted", "--public")
    assert created["owner"] == "@closedserver:localhost"
    assert created["alias"] == f"#{alias_name}:localhost"
    room_id = created["room_id"]
    assert alice.post(f"/join/%23{alias_name}:localhost").json()["room_id"] == room_id
    encryption = alice.get(f"/rooms/{room_id}/state/m.room.encryption").json()
    assert encryption["algorithm"] == "m.megolm.v1.aes-sha2"
    assert alice.get(f"/directory/list/room/{room_id}").json()["visibility"] == "public"
    users = cli_json(server, "user", "list")
    service = [u for u in users if u["user_id"] == "@closedserver:localhost"]
    assert service and service[0]["admin"] and "service" in service[0]["displayname"]


def test_room_create_as_an_admin_needs_an_admin(server, alice):
    assert "M_FORBIDDEN" in cli_error(server, "room", "create", "--name", "x", "--as",
                                      alice.localpart)
    cli_ok(server, "user", "set-admin", alice.localpart, "on")
    created = cli_json(server, "room", "create", "--name", "Mine", "--as", alice.localpart)
    assert created["owner"] == alice.user_id
    state = alice.get(f"/rooms/{created['room_id']}/state/m.room.create").json()
    assert state.get("creator", alice.user_id) == alice.user_id


async def test_admin_join_into_an_invite_only_room(server, alice, bob):
    room_id = create_room(alice, preset="private_chat")
    result = cli_json(server, "room", "join", room_id, bob.localpart)
    assert result == {"room_id": room_id, "user_id": bob.user_id, "already_joined": False,
                      "invited_by": alice.user_id}
    async with nio_client(server, bob) as client:
        assert room_id in await joined_rooms(client)
        members = await client.joined_members(room_id)
        assert isinstance(members, nio.JoinedMembersResponse), members
        assert {m.user_id for m in members.members} == {alice.user_id, bob.user_id}
    again = cli_json(server, "room", "join", room_id, bob.user_id)
    assert again["already_joined"] is True


def test_admin_join_public_room_joins_directly(server, alice, bob):
    room_id = create_room(alice, preset="public_chat")
    result = cli_json(server, "room", "join", room_id, bob.localpart)
    assert result["invited_by"] is None
    assert room_id in bob.get("/joined_rooms").json()["joined_rooms"]


def test_admin_join_refuses_when_nobody_may_invite_or_the_user_is_banned(server, alice, bob):
    empty = create_room(alice, preset="private_chat")
    assert alice.post(f"/rooms/{empty}/leave").status_code == 200
    assert "No local member" in cli_error(server, "room", "join", empty, bob.localpart)
    guarded = create_room(alice, preset="public_chat")
    assert alice.post(f"/rooms/{guarded}/ban", {"user_id": bob.user_id}).status_code == 200
    assert "banned" in cli_error(server, "room", "join", guarded, bob.localpart)
    blocked = create_room(alice, preset="public_chat")
    cli_ok(server, "room", "block", blocked)
    assert "blocked" in cli_error(server, "room", "join", blocked, bob.localpart)
    cli_ok(server, "room", "unblock", blocked)
    cli_ok(server, "room", "join", blocked, bob.localpart)


async def test_make_admin_raises_a_member_in_v12_and_v10_rooms(server, alice, bob):
    for version in ("12", "10"):
        room_id = joined_room_with(alice, bob, room_version=version)
        result = cli_json(server, "room", "make-admin", room_id, bob.localpart)
        assert result == {"room_id": room_id, "user_id": bob.user_id, "level": 100,
                          "granted_by": alice.user_id}
        async with nio_client(server, bob) as client:
            levels = await client.room_get_state_event(room_id, "m.room.power_levels")
            assert isinstance(levels, nio.RoomGetStateEventResponse), levels
            assert levels.content["users"][bob.user_id] == 100
        # now bob holds the power: he may change the room's name
        assert bob.put(f"/rooms/{room_id}/state/m.room.name", {"name": "bob's"}).status_code \
            == 200
        assert cli_json(server, "room", "make-admin", room_id, bob.localpart)["granted_by"] \
            is None
    v12 = create_room(alice)
    creator = cli_json(server, "room", "make-admin", v12, alice.localpart)
    assert creator["level"] == "creator" and creator["granted_by"] is None


def test_make_admin_says_when_no_local_member_has_the_power(server, alice, bob):
    room_id = joined_room_with(alice, bob, room_version="10")
    assert alice.post(f"/rooms/{room_id}/leave").status_code == 200
    line = cli_error(server, "room", "make-admin", room_id, bob.localpart)
    assert "M_FORBIDDEN" in line and "No local member" in line


def test_publish_unpublish_and_aliases(server, alice):
    room_id = create_room(alice, name="Directory")
    cli_ok(server, "room", "publish", room_id)
    assert alice.get(f"/directory/list/room/{room_id}").json()["visibility"] == "public"
    cli_ok(server, "room", "unpublish", room_id)
    assert alice.get(f"/directory/list/room/{room_id}").json()["visibility"] == "private"
    alias = f"#{unique_name('alias')}:localhost"
    cli_ok(server, "room", "alias", "add", alias, room_id)
    resolved = alice.get(f"/directory/room/{alias.replace('#', '%23')}")
    assert resolved.json()["room_id"] == room_id
    assert "M_UNKNOWN" in cli_error(server, "room", "alias", "add", alias, room_id)
    other = create_room(alice)
    assert "M_NOT_FOUND" in cli_error(server, "room", "alias", "remove", alias, other)
    cli_ok(server, "room", "alias", "remove", alias, room_id)
    assert alice.get(f"/directory/room/{alias.replace('#', '%23')}").status_code == 404


def test_room_commands_act_for_a_user_registered_by_another_client(server):
    owner = register(server.url)
    room_id = create_room(owner, preset="private_chat")
    newcomer = register(server.url)
    cli_ok(server, "room", "join", room_id, newcomer.user_id)
    send_text(newcomer, room_id, "joined by the admin")
