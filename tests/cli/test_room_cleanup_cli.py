"""`closedserver room shutdown|purge|purge-history|export` while the server runs: members
see their removal at once, purged rooms are gone from the database file."""

import datetime
import json
import time

import nio

from tests.cli.admin_helpers import (
    cli_error,
    cli_json,
    cli_ok,
    joined_rooms,
    nio_client,
    query_db,
)
from tests.helpers import (
    assert_matrix_error,
    create_room,
    joined_room_with,
    room_messages,
    send_text,
    unique_name,
)


async def test_shutdown_removes_members_and_a_rejoin_fails(server, alice, bob):
    room_id = joined_room_with(alice, bob, preset="public_chat")
    send_text(bob, room_id, "before the shutdown")
    async with nio_client(server, bob) as client:
        assert room_id in await joined_rooms(client)
        result = cli_json(server, "room", "shutdown", room_id, "--message", "Closed: spam",
                          "--yes")
        assert sorted(result["removed"]) == sorted([alice.user_id, bob.user_id])
        assert result["new_room_id"] is None
        assert room_id not in await joined_rooms(client)
        members = await client.room_get_state_event(room_id, "m.room.member", bob.user_id)
        assert isinstance(members, nio.RoomGetStateEventResponse), members
        assert members.content["membership"] == "leave"
        assert members.content["reason"] == "Closed: spam"
        rejoin = await client.join(room_id)
        assert isinstance(rejoin, nio.JoinError) and rejoin.status_code == "M_FORBIDDEN"
    assert_matrix_error(alice.post(f"/join/{room_id}"), 403, "M_FORBIDDEN")
    shown = cli_json(server, "room", "show", room_id)
    assert shown["blocked"] is True and shown["members"]["join"]["all"] == 0


async def test_shutdown_moves_members_and_aliases_to_a_replacement_room(server, alice, bob):
    alias_name = unique_name("moved")
    room_id = joined_room_with(alice, bob, room_alias_name=alias_name)
    result = cli_json(server, "room", "shutdown", f"#{alias_name}:localhost", "--message",
                      "We moved", "--new-room-name", "The new room", "--yes")
    new_room_id = result["new_room_id"]
    assert result["aliases"] == [f"#{alias_name}:localhost"]
    async with nio_client(server, bob) as client:
        rooms = await joined_rooms(client)
        assert new_room_id in rooms and room_id not in rooms
        name = await client.room_get_state_event(new_room_id, "m.room.name")
        assert name.content["name"] == "The new room"
    bodies = [e["content"].get("body") for e in room_messages(bob, new_room_id,
                                                              dir="b")["chunk"]]
    assert "We moved" in bodies
    resolved = alice.get(f"/directory/room/%23{alias_name}:localhost").json()
    assert resolved["room_id"] == new_room_id


def test_purge_removes_every_trace_of_a_shut_down_room(server, alice, bob):
    room_id = joined_room_with(alice, bob, room_alias_name=unique_name("purged"))
    event_id = send_text(bob, room_id, "to be purged")
    assert alice.post(f"/rooms/{room_id}/report/{event_id}", {"reason": "spam"}) \
        .status_code == 200
    assert alice.put(f"/user/{alice.user_id}/rooms/{room_id}/account_data/m.tag",
                     {"tags": {"u.work": {}}}).status_code == 200
    line = cli_error(server, "room", "purge", room_id, "--yes")
    assert "M_BAD_STATE" in line and "shut it down first" in line
    cli_ok(server, "room", "shutdown", room_id, "--yes")
    purged = cli_json(server, "room", "purge", room_id, "--yes")
    assert purged["events"] > 10 and purged["state_groups"] > 0
    for table in ("rooms", "events", "state_groups", "current_state", "room_members",
                  "room_aliases", "room_extremities", "reports", "account_data"):
        assert query_db(server, f"SELECT count(*) FROM {table} WHERE room_id = ?",
                        room_id) == [(0,)], table
    assert query_db(server, "SELECT count(*) FROM events WHERE event_id = ?", event_id) \
        == [(0,)]
    assert room_id not in [r["room_id"] for r in cli_json(server, "room", "list")]
    assert "M_NOT_FOUND" in cli_error(server, "room", "show", room_id)
    assert_matrix_error(bob.get(f"/rooms/{room_id}/messages"), 404, "M_NOT_FOUND")
    assert json.loads(server.cli("db", "check", "--json").stdout)["ok"] is True


def test_purge_history_keeps_state_and_the_latest_events(server, alice, bob):
    room_id = joined_room_with(alice, bob, name="History")
    old = [send_text(alice, room_id, f"old {i}") for i in range(5)]
    time.sleep(0.05)
    cutoff = datetime.datetime.now(datetime.UTC).isoformat()
    time.sleep(0.05)
    recent = [send_text(bob, room_id, f"recent {i}") for i in range(3)]
    result = cli_json(server, "room", "purge-history", room_id, "--before", cutoff, "--yes")
    assert result["deleted"] == len(old)
    chunk = room_messages(alice, room_id, dir="b", limit=100)["chunk"]
    ids = [e["event_id"] for e in chunk]
    assert not set(old) & set(ids) and set(recent) <= set(ids)
    name = alice.get(f"/rooms/{room_id}/state/m.room.name").json()
    assert name == {"name": "History"}
    # everything before now: only the latest event (the room's forward extremity) stays
    cli_ok(server, "room", "purge-history", room_id, "--before", "0d", "--yes")
    chunk = room_messages(alice, room_id, dir="b", limit=100)["chunk"]
    messages = [e["event_id"] for e in chunk if e["type"] == "m.room.message"]
    assert messages == [recent[-1]]
    after = send_text(alice, room_id, "the room still works")
    assert room_messages(bob, room_id, dir="b", limit=1)["chunk"][0]["event_id"] == after
    assert "--before" in cli_error(server, "room", "purge-history", room_id, "--before",
                                   "last tuesday", "--yes")


def test_export_writes_every_event_in_stream_order(server, alice, bob, tmp_path):
    room_id = joined_room_with(alice, bob)
    sent = [send_text(alice, room_id, f"exported {i}") for i in range(30)]
    out = tmp_path / "room.jsonl"
    cli_ok(server, "room", "export", room_id, "--out", str(out))
    pdus = [json.loads(line) for line in out.read_text().splitlines()]
    stored = query_db(server, "SELECT json FROM events WHERE room_id = ? "
                      "ORDER BY stream_ordering", room_id)
    assert pdus == [json.loads(row[0]) for row in stored]
    assert pdus[0]["type"] == "m.room.create" and all("room_id" in p for p in pdus[1:])
    bodies = [p["content"].get("body") for p in pdus if p["type"] == "m.room.message"]
    assert bodies == [f"exported {i}" for i in range(len(sent))]
    assert [p["depth"] for p in pdus] == sorted(p["depth"] for p in pdus)


def test_destructive_room_commands_ask_first(server, alice):
    room_id = create_room(alice)
    refused = server.cli("room", "shutdown", room_id)  # no --yes, no terminal: refused
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert room_id in alice.get("/joined_rooms").json()["joined_rooms"]


def test_purged_history_no_longer_counts_as_unread(server, alice, bob):
    room_id = joined_room_with(alice, bob)
    for i in range(4):
        send_text(alice, room_id, f"unread {i}")
    sync = bob.get("/sync", params={"timeout": 0}).json()
    assert sync["rooms"]["join"][room_id]["unread_notifications"]["notification_count"] == 4
    time.sleep(0.05)
    cli_ok(server, "room", "purge-history", room_id, "--before", "0d", "--yes")
    time.sleep(0.5)  # the server notices the CLI's commit and drops its caches
    after = bob.get("/sync", params={"timeout": 0}).json()
    counts = after["rooms"]["join"][room_id]["unread_notifications"]
    assert counts["notification_count"] == 1  # only the kept forward extremity
