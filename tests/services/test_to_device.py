"""To-device delivery as /sync will read it: `to_device_for_sync` on the real SQLite file.

Messages sent over HTTP are listed for the target device in order, with sender, type and
content; they go only when a later `since` acknowledges them; at most 100 per call; they
survive a restart of the server; deleting a device deletes its inbox.
"""

from closedserver.config import load_config
from closedserver.homeserver import build_homeserver
from closedserver.storage.database import current_stream_position
from tests.helpers import login, register


def send(client, txn_id: str, messages: dict, event_type: str = "m.test") -> None:
    resp = client.put(f"/sendToDevice/{event_type}/{txn_id}", {"messages": messages})
    assert resp.status_code == 200, resp.text


def inbox(hs, client, since: int = 0):
    return hs.to_device.to_device_for_sync(client.user_id, client.device_id, since,
                                           current_stream_position(hs.db.conn))


def test_messages_arrive_in_order_with_sender_type_and_content(hs, alice, bob):
    send(alice, "a", {bob.user_id: {bob.device_id: {"n": 1}}}, "m.room_key_request")
    send(alice, "b", {bob.user_id: {bob.device_id: {"n": 2}}})
    events, reached = inbox(hs, bob)
    assert events == [
        {"sender": alice.user_id, "type": "m.room_key_request", "content": {"n": 1}},
        {"sender": alice.user_id, "type": "m.test", "content": {"n": 2}}]
    assert reached == current_stream_position(hs.db.conn)


def test_a_repeated_transaction_id_is_sent_once(hs, alice, bob):
    for _ in range(3):
        send(alice, "same", {bob.user_id: {bob.device_id: {"once": True}}})
    events, _ = inbox(hs, bob)
    assert [e["content"] for e in events] == [{"once": True}]


def test_the_same_transaction_id_from_another_device_is_a_new_message(server, hs, alice, bob):
    other = login(server.url, alice.localpart).json()
    send(alice, "t", {bob.user_id: {bob.device_id: {"from": "first"}}})
    resp = alice.http.put("/_matrix/client/v3/sendToDevice/m.test/t", json={
        "messages": {bob.user_id: {bob.device_id: {"from": "second"}}}},
        headers={"Authorization": f"Bearer {other['access_token']}"})
    assert resp.status_code == 200
    assert [e["content"] for e in inbox(hs, bob)[0]] == [{"from": "first"}, {"from": "second"}]


def test_star_reaches_every_device_and_a_named_device_gets_its_own(server, hs, alice, bob):
    second = login(server.url, bob.localpart).json()
    send(alice, "star", {bob.user_id: {"*": {"to": "all"}, second["device_id"]: {"to": "2"}}})
    assert [e["content"] for e in inbox(hs, bob)[0]] == [{"to": "all"}]
    events, _ = hs.to_device.to_device_for_sync(bob.user_id, second["device_id"], 0,
                                                current_stream_position(hs.db.conn))
    assert [e["content"] for e in events] == [{"to": "2"}]


def test_messages_go_only_once_a_later_since_acknowledges_them(hs, alice, bob):
    send(alice, "1", {bob.user_id: {bob.device_id: {"n": 1}}})
    events, reached = inbox(hs, bob)
    assert len(events) == 1
    # The same /sync again (e.g. its response was lost): still there.
    assert inbox(hs, bob)[0] == events
    send(alice, "2", {bob.user_id: {bob.device_id: {"n": 2}}})
    events, _ = inbox(hs, bob, since=reached)
    assert [e["content"] for e in events] == [{"n": 2}]
    # An initial sync (since 0) now sees only what was not acknowledged.
    assert [e["content"] for e in inbox(hs, bob)[0]] == [{"n": 2}]


def test_at_most_a_hundred_per_sync_and_the_rest_next_time(hs, alice, bob):
    for n in range(150):
        send(alice, f"bulk{n}", {bob.user_id: {bob.device_id: {"n": n}}})
    first, reached = inbox(hs, bob)
    assert [e["content"]["n"] for e in first] == list(range(100))
    assert reached < current_stream_position(hs.db.conn)
    rest, reached_all = inbox(hs, bob, since=reached)
    assert [e["content"]["n"] for e in rest] == list(range(100, 150))
    assert reached_all == current_stream_position(hs.db.conn)


def test_deleting_a_device_deletes_its_pending_messages(server, hs, alice, bob):
    second = login(server.url, bob.localpart).json()
    send(alice, "gone", {bob.user_id: {second["device_id"]: {"x": 1}}})
    bob.post("/delete_devices", {"devices": [second["device_id"]],
                                 "auth": bob.password_auth()})
    count = hs.db.conn.execute("SELECT count(*) FROM to_device_messages WHERE user_id = ? "
                               "AND device_id = ?", (bob.user_id, second["device_id"]))
    assert count.fetchone()[0] == 0


def test_a_message_survives_a_restart_before_it_was_synced(make_server):
    server = make_server()
    alice, bob = register(server.url), register(server.url)
    send(alice, "persist", {bob.user_id: {bob.device_id: {"kept": True}}})
    server.restart()
    hs = build_homeserver(load_config(server.data_dir))
    try:
        events, _ = inbox(hs, bob)
    finally:
        hs.close()
    assert events == [{"sender": alice.user_id, "type": "m.test", "content": {"kept": True}}]
    # And the restarted server still knows the transaction ID.
    send(alice, "persist", {bob.user_id: {bob.device_id: {"kept": "twice?"}}})
    hs = build_homeserver(load_config(server.data_dir))
    try:
        assert len(inbox(hs, bob)[0]) == 1
    finally:
        hs.close()
