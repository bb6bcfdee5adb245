"""What other areas do, as a syncing client sees it: notification counts and receipts,
to-device messages (also across a restart), and admin CLI actions within a second."""

import threading
import time

from tests.helpers import joined_room_with, register, send_text


def sync(client, since=None, timeout=0, **params):
    query = {"timeout": timeout, **params}
    if since:
        query["since"] = since
    resp = client.get("/sync", params=query, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_mention_highlights_in_sync_and_a_receipt_clears_it(server, alice, bob):
    room_id = joined_room_with(alice, bob)
    token = sync(bob)["next_batch"]
    event_id = alice.put(
        f"/rooms/{room_id}/send/m.room.message/mention1",
        {"msgtype": "m.text", "body": f"hey {bob.localpart}",
         "m.mentions": {"user_ids": [bob.user_id]}}).json()["event_id"]
    body = sync(bob, token)
    counts = body["rooms"]["join"][room_id]["unread_notifications"]
    assert counts == {"notification_count": 1, "highlight_count": 1}
    assert bob.post(f"/rooms/{room_id}/receipt/m.read/{event_id}", {}).status_code == 200
    after = sync(bob, body["next_batch"])
    assert after["rooms"]["join"][room_id]["unread_notifications"] == {
        "notification_count": 0, "highlight_count": 0}
    receipt = after["rooms"]["join"][room_id]["ephemeral"]["events"]
    assert any(e["type"] == "m.receipt" and event_id in e["content"] for e in receipt)


def test_thread_counts_when_the_filter_asks(server, alice, bob):
    room_id = joined_room_with(alice, bob)
    root = send_text(alice, room_id, "root")
    alice.put(f"/rooms/{room_id}/send/m.room.message/thr1", {
        "msgtype": "m.text", "body": "in thread",
        "m.mentions": {"user_ids": [bob.user_id]},
        "m.relates_to": {"rel_type": "m.thread", "event_id": root}})
    body = sync(bob, filter='{"room":{"timeline":{"unread_thread_notifications":true}}}')
    room = body["rooms"]["join"][room_id]
    assert room["unread_thread_notifications"][root]["highlight_count"] == 1
    assert room["unread_notifications"]["highlight_count"] == 0


def test_to_device_message_is_delivered_once_and_survives_a_restart(make_server):
    server = make_server()
    alice, bob = register(server.url), register(server.url)
    token = sync(bob)["next_batch"]
    resp = alice.put("/sendToDevice/org.example.ping/txn1",
                     {"messages": {bob.user_id: {bob.device_id: {"n": 1}}}})
    assert resp.status_code == 200
    server.restart()
    body = sync(bob, token)
    assert body["to_device"]["events"] == [
        {"sender": alice.user_id, "type": "org.example.ping", "content": {"n": 1}}]
    again = sync(bob, token)
    assert again["to_device"]["events"] == body["to_device"]["events"]
    acknowledged = sync(bob, body["next_batch"])
    assert acknowledged["to_device"]["events"] == []


def test_a_to_device_message_wakes_a_parked_sync(server, alice, bob):
    token = sync(bob)["next_batch"]
    threading.Timer(0.3, lambda: alice.put(
        "/sendToDevice/org.example.ping/wake1",
        {"messages": {bob.user_id: {"*": {"n": 2}}}})).start()
    started = time.monotonic()
    body = sync(bob, token, timeout=10000)
    assert time.monotonic() - started < 5
    assert body["to_device"]["events"][0]["content"] == {"n": 2}


def test_room_shutdown_from_the_cli_reaches_a_syncing_client_within_a_second(server, alice,
                                                                              bob):
    room_id = joined_room_with(alice, bob, preset="public_chat")
    token = sync(bob)["next_batch"]
    started = time.monotonic()
    result = server.cli("room", "shutdown", room_id, "--message", "closing", "--yes")
    assert result.returncode == 0, result.stderr
    cli_done = time.monotonic()
    body = sync(bob, token, timeout=10000)
    assert time.monotonic() - cli_done < 1.0, time.monotonic() - started
    left = body["rooms"]["leave"]
    assert room_id in left
    assert bob.post(f"/join/{room_id}").status_code == 403


def test_a_lock_from_the_cli_ends_a_parked_sync(server, alice):
    token = sync(alice)["next_batch"]
    threading.Timer(0.3, lambda: server.cli("user", "lock", alice.localpart)).start()
    resp = alice.get("/sync", params={"since": token, "timeout": 3000}, timeout=60)
    assert resp.status_code in (200, 401)
    after = alice.get("/sync", params={"since": token, "timeout": 0})
    assert after.status_code == 401 and after.json()["errcode"] == "M_USER_LOCKED"
    server.cli("user", "unlock", alice.localpart)
