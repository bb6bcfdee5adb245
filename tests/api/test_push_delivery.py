"""Pusher delivery to a real HTTP push gateway on a loopback port that the server's config
allow-lists (Push Gateway API `POST /_matrix/push/v1/notify`, push_notifier.yaml)."""

import itertools
import time

import pytest

from tests.api.push_support import Gateway, create_room, eventually, send
from tests.helpers import register
from tests.server import init_server

_keys = itertools.count(1)


@pytest.fixture(scope="module")
def gateway():
    running = Gateway()
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def push_server(tmp_path_factory, gateway):
    running = init_server(tmp_path_factory.mktemp("delivery") / "data",
                          push_gateway_allowlist=gateway.url,
                          push_retry_initial_delay="300ms")
    running.start()
    yield running
    running.stop()


def add_pusher(user, gateway: Gateway, **data) -> str:
    pushkey = f"pushkey-{next(_keys)}"
    resp = user.post("/pushers/set", {
        "kind": "http", "app_id": "org.example.app", "pushkey": pushkey,
        "app_display_name": "Example", "device_display_name": "Phone", "lang": "en",
        "data": {"url": gateway.notify_url, **data}})
    assert resp.status_code == 200, resp.text
    return pushkey


def test_a_message_is_pushed_with_the_spec_payload(push_server, gateway):
    alice, bob = register(push_server.url), register(push_server.url)
    room_id = create_room(alice, bob, name="Mission Control")
    bob.put(f"/profile/{bob.user_id}/displayname", {"displayname": "Major Tom"})
    pushkey = add_pusher(alice, gateway, custom="kept")
    before = int(time.time())
    event_id = send(bob, room_id, "I'm floating in a most peculiar way.")
    [notification] = eventually(lambda: gateway.received_for(pushkey))
    device = notification.pop("devices")[0]
    assert notification == {
        "event_id": event_id, "room_id": room_id, "type": "m.room.message",
        "sender": bob.user_id, "sender_display_name": "Major Tom",
        "room_name": "Mission Control", "prio": "high", "counts": {"unread": 1},
        "content": {"msgtype": "m.text", "body": "I'm floating in a most peculiar way."}}
    assert device.pop("pushkey_ts") in range(before - 60, before + 60)
    assert device == {"app_id": "org.example.app", "pushkey": pushkey,
                      "data": {"custom": "kept"},
                      "tweaks": {"sound": "default"}}
    assert gateway.requests[-1][0] == "/_matrix/push/v1/notify"


def test_event_id_only_and_what_does_not_notify(push_server, gateway):
    alice, bob, carol = (register(push_server.url) for _ in range(3))
    room_id = create_room(alice, bob, carol)
    pushkey = add_pusher(alice, gateway, format="event_id_only")
    send(alice, room_id, "my own message")  # never pushed to its sender
    send(bob, room_id, "a notice", msgtype="m.notice")  # suppressed by default
    event_id = send(bob, room_id, "a message")
    [notification] = eventually(lambda: gateway.received_for(pushkey))
    assert notification == {
        "event_id": event_id, "room_id": room_id, "counts": {"unread": 1}, "prio": "low",
        "devices": [{"app_id": "org.example.app", "pushkey": pushkey,
                     "pushkey_ts": notification["devices"][0]["pushkey_ts"],
                     "data": {"format": "event_id_only"}, "tweaks": {}}]}
    send(bob, room_id, "another")
    second = eventually(lambda: gateway.received_for(pushkey)[1:])
    assert second[0]["counts"] == {"unread": 2}


def test_a_failed_push_is_retried_with_back_off(push_server, gateway):
    alice, bob = register(push_server.url), register(push_server.url)
    room_id = create_room(alice, bob)
    pushkey = add_pusher(alice, gateway)
    gateway.answer_next(pushkey, 500, {"error": "try later"})
    gateway.answer_next(pushkey, 503, {"error": "still down"})
    started = time.monotonic()
    event_id = send(bob, room_id, "are you there?")
    received = eventually(lambda: gateway.received_for(pushkey)[2:])
    elapsed = time.monotonic() - started
    assert [n["event_id"] for n in gateway.received_for(pushkey)] == [event_id] * 3
    assert elapsed >= 0.3 + 0.6  # 300 ms, then twice that
    assert received[0]["event_id"] == event_id
    time.sleep(1.0)
    assert len(gateway.received_for(pushkey)) == 3  # delivered: no more attempts


def test_a_rejected_pushkey_removes_the_pusher(push_server, gateway):
    alice, bob = register(push_server.url), register(push_server.url)
    room_id = create_room(alice, bob)
    pushkey = add_pusher(alice, gateway)
    kept = add_pusher(alice, gateway)
    gateway.answer_next(pushkey, 200, {"rejected": [pushkey]})
    send(bob, room_id, "hello?")
    eventually(lambda: gateway.received_for(pushkey) and gateway.received_for(kept))
    eventually(lambda: [p["pushkey"] for p in alice.get("/pushers").json()["pushers"]]
               == [kept])
    send(bob, room_id, "hello again")
    eventually(lambda: len(gateway.received_for(kept)) == 2)
    assert len(gateway.received_for(pushkey)) == 1
