"""GET /keys/changes: users whose devices changed between two stream tokens, among the
requester and the users who share a joined room with them.

The current token is read from the server's SQLite file (no /sync yet to hand one out).
"""

import sqlite3

import pytest

from closedserver.errors import InvalidParam
from closedserver.services.stream_tokens import make_token, parse_stream_token
from tests.api.e2ee_keys import CrossSigningSet, TestDevice
from tests.helpers import assert_matrix_error, joined_room_with, login, register


def current_token(server) -> str:
    conn = sqlite3.connect(f"file:{server.data_dir / 'closedserver.db'}?mode=ro", uri=True)
    try:
        return make_token(conn.execute("SELECT position FROM stream_position").fetchone()[0])
    finally:
        conn.close()


def changed(client, since: str) -> list[str]:
    resp = client.get("/keys/changes", params={"from": since, "to": since})
    assert resp.status_code == 200, resp.text
    assert resp.json()["left"] == []
    return resp.json()["changed"]


def test_own_changes_since_a_token(server, alice, bob):
    since = current_token(server)
    assert changed(alice, since) == []
    bob.post("/keys/upload", {"device_keys": TestDevice(bob.user_id,
                                                        bob.device_id).device_keys()})
    assert changed(alice, since) == []  # no room shared with bob
    login(server.url, alice.localpart)  # a new device
    assert changed(alice, since) == [alice.user_id]

    since = current_token(server)
    device = TestDevice(alice.user_id, alice.device_id)
    alice.post("/keys/upload", {"one_time_keys": device.one_time_keys(2)})
    assert changed(alice, since) == []  # one-time keys are not identity keys
    alice.post("/keys/upload", {"device_keys": device.device_keys()})
    assert changed(alice, since) == [alice.user_id]

    since = current_token(server)
    alice.post("/keys/device_signing/upload", CrossSigningSet(alice.user_id).upload_body())
    assert changed(alice, since) == [alice.user_id]


def test_changes_of_users_sharing_a_room_show_and_others_do_not(server, alice, bob):
    carol = register(server.url)
    room_id = joined_room_with(alice, bob)
    since = current_token(server)
    for client in (bob, carol):
        client.post("/keys/upload", {"device_keys": TestDevice(
            client.user_id, client.device_id).device_keys()})
    assert changed(alice, since) == [bob.user_id]
    assert changed(carol, since) == [carol.user_id]
    since = current_token(server)
    assert bob.post(f"/rooms/{room_id}/leave", {}).status_code == 200
    login(server.url, bob.localpart)  # a new device, after leaving the only shared room
    assert changed(alice, since) == []


def test_everything_since_the_start(server, alice):
    assert changed(alice, "s0") == [alice.user_id]  # the registration's device


def test_bad_tokens_and_missing_parameters(server, alice):
    assert_matrix_error(alice.get("/keys/changes", params={"from": "x1", "to": "s1"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/keys/changes", params={"from": "s1", "to": "1"}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get("/keys/changes", params={"to": "s1"}), 400,
                        "M_MISSING_PARAM")
    assert_matrix_error(alice.get("/keys/changes", params={"from": "s1"}), 400,
                        "M_MISSING_PARAM")


def test_stream_tokens_round_trip_and_allow_extra_parts():
    assert make_token(42) == "s42"
    assert parse_stream_token("s42") == 42
    assert parse_stream_token("s42_7") == 42


@pytest.mark.parametrize("bad", ["42", "s", "s-1", "sx", "s1 ", "", "S1"])
def test_malformed_stream_tokens_are_invalid_param(bad):
    with pytest.raises(InvalidParam):
        parse_stream_token(bad)

