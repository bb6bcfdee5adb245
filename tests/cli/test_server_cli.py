"""`closedserver server status|notice`, `report list|show`, `db check|vacuum`, and two
admins running commands at the same time."""

import sqlite3
import subprocess

import typer.main

from cli.main import app
from tests.cli.admin_helpers import cli_error, cli_json, cli_ok, query_db
from tests.helpers import (
    assert_matrix_error,
    create_room,
    joined_room_with,
    register,
    room_messages,
    send_text,
)
from tests.server import CLI, init_server


def test_status_of_a_running_and_of_a_stopped_server(server, alice, tmp_path):
    status = cli_json(server, "server", "status")
    assert status["server_name"] == "localhost" and status["running"] is True
    assert status["address"] == server.url and status["federation"] is False
    assert status["users"] >= 1 and status["events"] >= 0 and status["database_bytes"] > 0
    assert status["media_bytes"] is not None
    assert "yes, at" in cli_ok(server, "server", "status")
    stopped = init_server(tmp_path / "stopped")
    offline = cli_json(stopped, "server", "status")
    assert offline["running"] is False and offline["rooms"] == 0


def test_server_notice_arrives_in_a_room_the_user_cannot_leave(server, alice):
    sent = cli_json(server, "server", "notice", alice.localpart, "Maintenance at 22:00")
    room_id = sent["room_id"]
    tag = alice.get(f"/user/{alice.user_id}/rooms/{room_id}/account_data/m.tag").json()
    assert "m.server_notice" in tag["tags"]
    # rejecting the invite is refused (spec: M_CANNOT_LEAVE_SERVER_NOTICE_ROOM)
    assert_matrix_error(alice.post(f"/rooms/{room_id}/leave"), 403,
                        "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM")
    assert alice.post(f"/rooms/{room_id}/join").status_code == 200
    again = cli_json(server, "server", "notice", alice.user_id, "Done")
    assert again["room_id"] == room_id
    chunk = room_messages(alice, room_id, dir="b")["chunk"]
    notices = [e for e in chunk if e["type"] == "m.room.message"]
    assert [(e["content"]["msgtype"], e["content"]["body"], e["sender"]) for e in notices] \
        == [("m.server_notice", "Done", "@closedserver:localhost"),
            ("m.server_notice", "Maintenance at 22:00", "@closedserver:localhost")]
    assert_matrix_error(alice.post(f"/rooms/{room_id}/leave"), 403,
                        "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM")
    assert_matrix_error(alice.put(f"/rooms/{room_id}/send/m.room.message/t1",
                                  {"msgtype": "m.text", "body": "hi"}), 403, "M_FORBIDDEN")
    assert "M_NOT_FOUND" in cli_error(server, "server", "notice", "nobody-here", "x")
    assert "USER and TEXT" in cli_error(server, "server", "notice", "only text")


def test_server_notice_to_all_users(make_server):
    private = make_server()
    users = [register(private.url) for _ in range(3)]
    assert cli_json(private, "server", "notice", "--all", "Hello everyone")["sent"] == 3
    rooms = query_db(private, "SELECT user_id, room_id FROM server_notice_rooms")
    assert sorted(u for u, _ in rooms) == sorted(u.user_id for u in users)
    for user in users:
        room_id = dict(rooms)[user.user_id]
        assert user.post(f"/rooms/{room_id}/join").status_code == 200
        bodies = [e["content"].get("body") for e in room_messages(user, room_id,
                                                                  dir="b")["chunk"]]
        assert "Hello everyone" in bodies


def test_reports_list_and_show(server, alice, bob):
    room_id = joined_room_with(alice, bob)
    event_id = send_text(bob, room_id, "something rude")
    resp = alice.post(f"/rooms/{room_id}/report/{event_id}", {"reason": "rude", "score": -50})
    assert resp.status_code == 200
    reports = cli_json(server, "report", "list")
    mine = [r for r in reports if r["event_id"] == event_id]
    assert len(mine) == 1 and mine[0]["reporter"] == alice.user_id
    assert (mine[0]["kind"], mine[0]["reason"]) == ("event", "rude")
    shown = cli_json(server, "report", "show", str(mine[0]["id"]))
    assert shown["event"]["sender"] == bob.user_id
    assert shown["event"]["content"]["body"] == "something rude"
    assert "something rude" in cli_ok(server, "report", "show", str(mine[0]["id"]))
    assert "M_NOT_FOUND" in cli_error(server, "report", "show", "999999")


def test_db_check_and_vacuum(server, tmp_path):
    assert cli_json(server, "db", "check") == {"ok": True, "integrity": [],
                                               "foreign_keys": []}
    assert "vacuumed" in cli_ok(server, "db", "vacuum")
    broken = init_server(tmp_path / "broken")
    conn = sqlite3.connect(broken.data_dir / "closedserver.db")
    conn.execute("INSERT INTO devices (user_id, device_id, created_ts) "
                 "VALUES ('@ghost:localhost', 'D', 0)")
    conn.commit()
    conn.close()
    result = broken.cli("db", "check")
    assert result.returncode == 1 and "devices" in result.stdout


def test_two_admins_at_once_cannot_corrupt_anything(server, alice):
    newcomers = [register(server.url) for _ in range(3)]
    room_id = create_room(alice, preset="private_chat")
    commands = [["server", "notice", alice.localpart, f"notice {i}"] for i in range(3)]
    commands += [["room", "join", room_id, user.localpart] for user in newcomers]
    processes = [subprocess.Popen([CLI, *args, "--data-dir", str(server.data_dir)],
                                  env=server.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for args in commands]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err
    notice_rooms = query_db(server, "SELECT room_id FROM server_notice_rooms "
                            "WHERE user_id = ?", alice.user_id)
    assert len(notice_rooms) == 1
    rooms_of_alice_by_the_server = query_db(
        server, "SELECT count(*) FROM room_members m JOIN rooms r ON r.room_id = m.room_id "
        "WHERE m.user_id = ? AND r.creator = '@closedserver:localhost'", alice.user_id)
    assert rooms_of_alice_by_the_server == [(1,)]
    assert alice.post(f"/rooms/{notice_rooms[0][0]}/join").status_code == 200
    bodies = {e["content"].get("body") for e in room_messages(
        alice, notice_rooms[0][0], dir="b")["chunk"]}
    assert {"notice 0", "notice 1", "notice 2"} <= bodies
    joined = set(alice.get(f"/rooms/{room_id}/joined_members").json()["joined"])
    assert joined == {alice.user_id, *(u.user_id for u in newcomers)}
    assert query_db(server, "SELECT count(*) FROM room_extremities WHERE room_id = ?",
                    room_id) == [(1,)]
    assert cli_json(server, "db", "check")["ok"] is True


def test_every_admin_command_speaks_json_for_scripts():
    root = typer.main.get_command(app)
    for group in ("room", "report", "server"):
        commands = dict(root.commands[group].commands)
        if group == "room":
            commands.update(commands.pop("alias").commands)
        for name, command in commands.items():
            options = {opt for param in command.params for opt in getattr(param, "opts", [])}
            assert "--json" in options, f"{group} {name} has no --json"
