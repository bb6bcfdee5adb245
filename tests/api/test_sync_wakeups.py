"""Long-polling: a parked /sync returns as soon as something new exists for its user (a
message, an invite, typing, a receipt, account data), well before its timeout; a hundred
parked syncs all wake for one message (spec: /sync `timeout`)."""

import asyncio
import time

import httpx

from tests.helpers import C3, PASSWORD, register, unique_name
from tests.sync_helpers import (
    ParkedSync,
    bodies,
    create_room,
    joined_room,
    send_text,
    shared_room,
    sync,
)

PROMPT_S = 1.0  # "well before the 20 s timeout": in practice a few milliseconds


def test_a_message_wakes_a_parked_sync(alice, bob):
    room_id = shared_room(alice, bob)
    parked = ParkedSync(bob, sync(bob)["next_batch"])
    body, waited = parked.woken_by(lambda: send_text(alice, room_id, "wake up"))
    assert waited < PROMPT_S
    assert bodies(joined_room(body, room_id)) == ["wake up"]


def test_an_invite_wakes_a_parked_sync(alice, bob):
    room_id = create_room(alice)
    parked = ParkedSync(bob, sync(bob)["next_batch"])
    body, waited = parked.woken_by(
        lambda: alice.post(f"/rooms/{room_id}/invite", {"user_id": bob.user_id}))
    assert waited < PROMPT_S
    assert room_id in body["rooms"]["invite"]


def test_typing_wakes_a_parked_sync(alice, bob):
    room_id = shared_room(alice, bob)
    parked = ParkedSync(bob, sync(bob)["next_batch"])
    body, waited = parked.woken_by(lambda: alice.put(
        f"/rooms/{room_id}/typing/{alice.user_id}", {"typing": True, "timeout": 10_000}))
    assert waited < PROMPT_S
    ephemeral = joined_room(body, room_id)["ephemeral"]["events"]
    assert {"type": "m.typing", "content": {"user_ids": [alice.user_id]}} in ephemeral


def test_a_receipt_wakes_a_parked_sync(alice, bob):
    room_id = shared_room(alice, bob)
    event_id = send_text(alice, room_id)
    parked = ParkedSync(alice, sync(alice)["next_batch"])
    body, waited = parked.woken_by(
        lambda: bob.post(f"/rooms/{room_id}/receipt/m.read/{event_id}"))
    assert waited < PROMPT_S
    receipts = [e for e in joined_room(body, room_id)["ephemeral"]["events"]
                if e["type"] == "m.receipt"]
    assert bob.user_id in receipts[0]["content"][event_id]["m.read"]


def test_an_account_data_change_wakes_a_parked_sync(alice):
    parked = ParkedSync(alice, sync(alice)["next_batch"])
    body, waited = parked.woken_by(lambda: alice.put(
        f"/user/{alice.user_id}/account_data/org.example.theme", {"dark": True}))
    assert waited < PROMPT_S
    assert body["account_data"]["events"] == [
        {"type": "org.example.theme", "content": {"dark": True}}]


def test_a_change_made_by_the_admin_cli_wakes_a_parked_sync(server, alice, bob):
    room_id = shared_room(alice, bob)
    parked = ParkedSync(bob, sync(bob)["next_batch"])
    done = server.cli("user", "deactivate", alice.user_id, "--yes")
    assert done.returncode == 0, done.stderr
    cli_finished = time.monotonic()
    body = parked.future.result(timeout=10)
    # The server notices another process's commit within a quarter of a second.
    assert time.monotonic() - cli_finished < 1.0
    leave = joined_room(body, room_id)["timeline"]["events"][-1]
    assert leave["state_key"] == alice.user_id and leave["content"]["membership"] == "leave"


def test_news_for_someone_else_does_not_wake_a_parked_sync(alice, bob):
    room_id = create_room(alice)
    since = sync(bob)["next_batch"]
    started = time.monotonic()
    parked = ParkedSync(bob, since, timeout_ms=1500)
    send_text(alice, room_id, "not for bob")
    body = parked.future.result(timeout=10)
    assert time.monotonic() - started >= 1.4
    assert body["rooms"]["join"] == {}


async def test_a_hundred_parked_syncs_all_wake_for_one_message(server):
    owner = register(server.url)
    room_id = create_room(owner, preset="public_chat")
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    base_url = f"{server.url}{C3}"
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        tokens = [await _member_of(http, room_id, unique_name("parked")) for _ in range(100)]
        # Everyone's first sync set them online, which is news for the others: catch up.
        first = {token: (await _sync(http, token, None))["next_batch"] for token in tokens}
        since = {token: (await _sync(http, token, first[token]))["next_batch"]
                 for token in tokens}
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as http:
        tasks = [asyncio.create_task(_sync(http, token, since[token], timeout=20_000))
                 for token in tokens]
        await asyncio.sleep(1.0)
        assert not any(task.done() for task in tasks)
        sent = time.monotonic()
        await asyncio.to_thread(send_text, owner, room_id, "everyone")
        results = await asyncio.gather(*tasks)
        slowest = time.monotonic() - sent
    for body in results:
        assert bodies(joined_room(body, room_id)) == ["everyone"]
    assert slowest < 5.0


async def _member_of(http: httpx.AsyncClient, room_id: str, localpart: str) -> str:
    resp = await http.post("/register", json={"username": localpart, "password": PASSWORD,
                                              "auth": {"type": "m.login.dummy"}})
    token = resp.json()["access_token"]
    joined = await http.post(f"/rooms/{room_id}/join", json={},
                             headers={"Authorization": f"Bearer {token}"})
    assert joined.status_code == 200, joined.text
    return token


async def _sync(http: httpx.AsyncClient, token: str, since: str | None,
                **params: int) -> dict:
    query = {"since": since, **params} if since else params
    resp = await http.get("/sync", params=query, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text
    return resp.json()
