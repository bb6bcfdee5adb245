"""Real end-to-end encryption through the server: two matrix-nio clients with real Olm and
Megolm sessions (vodozemac) exchange messages in an encrypted room; a second device of one
user reaches the other through device_lists."""

import asyncio

import nio

from tests.helpers import PASSWORD, register

ENCRYPTION = {"type": "m.room.encryption", "state_key": "",
              "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


async def crypto_client(server, user_id, store_path):
    store_path.mkdir(parents=True, exist_ok=True)
    config = nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    client = nio.AsyncClient(server.url, user_id, store_path=str(store_path), config=config)
    resp = await client.login(PASSWORD, device_name="e2ee test")
    assert isinstance(resp, nio.LoginResponse), resp
    if client.should_upload_keys:
        assert isinstance(await client.keys_upload(), nio.KeysUploadResponse)
    await client.sync(timeout=0)
    return client


async def settle(*clients, rounds=3):
    """Sync each client a few times, answering key queries as a real client would."""
    for _ in range(rounds):
        for client in clients:
            await client.sync(timeout=0, full_state=False)
            if client.should_query_keys:
                await client.keys_query()
            if client.should_upload_keys:
                await client.keys_upload()


async def wait_for_text(client, room_id, text, tries=20):
    """Sync until a decrypted m.room.message with `text` arrives in the room."""
    for _ in range(tries):
        resp = await client.sync(timeout=500)
        assert isinstance(resp, nio.SyncResponse), resp
        room = resp.rooms.join.get(room_id)
        for event in room.timeline.events if room else []:
            if isinstance(event, nio.RoomMessageText) and event.body == text:
                return event
            assert not isinstance(event, nio.MegolmEvent), \
                f"could not decrypt {event.event_id}: {event}"
    raise AssertionError(f"{text!r} never arrived decrypted")


async def send_encrypted(client, room_id, text):
    if client.should_query_keys:
        await client.keys_query()
    resp = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text",
                                                               "body": text},
                                  ignore_unverified_devices=True)
    assert isinstance(resp, nio.RoomSendResponse), resp
    return resp


async def test_two_clients_exchange_encrypted_messages(server, tmp_path):
    alice_user, bob_user = register(server.url), register(server.url)
    alice = await crypto_client(server, alice_user.user_id, tmp_path / "alice")
    bob = await crypto_client(server, bob_user.user_id, tmp_path / "bob")
    try:
        created = await alice.room_create(invite=[bob.user_id], initial_state=[ENCRYPTION])
        assert isinstance(created, nio.RoomCreateResponse), created
        room_id = created.room_id
        await bob.sync(timeout=0)
        assert isinstance(await bob.join(room_id), nio.JoinResponse)
        await settle(alice, bob)
        assert alice.rooms[room_id].encrypted and bob.rooms[room_id].encrypted

        sent = await send_encrypted(alice, room_id, "secret from alice")
        raw = bob_user.get(f"/rooms/{room_id}/event/{sent.event_id}").json()
        assert raw["type"] == "m.room.encrypted" and "secret" not in str(raw["content"])
        received = await wait_for_text(bob, room_id, "secret from alice")
        assert received.sender == alice.user_id and received.decrypted

        await send_encrypted(bob, room_id, "secret from bob")
        assert (await wait_for_text(alice, room_id, "secret from bob")).decrypted
    finally:
        await alice.close()
        await bob.close()


async def test_a_new_device_reaches_the_other_user_through_device_lists(server, tmp_path):
    alice_user, bob_user = register(server.url), register(server.url)
    alice = await crypto_client(server, alice_user.user_id, tmp_path / "alice1")
    bob = await crypto_client(server, bob_user.user_id, tmp_path / "bob")
    alice2 = None
    try:
        created = await alice.room_create(invite=[bob.user_id], initial_state=[ENCRYPTION])
        room_id = created.room_id
        await bob.sync(timeout=0)
        await bob.join(room_id)
        await settle(alice, bob)

        alice2 = await crypto_client(server, alice_user.user_id, tmp_path / "alice2")
        changed = []
        for _ in range(10):
            resp = await bob.sync(timeout=1000)
            changed += resp.device_list.changed
            if alice.user_id in changed:
                break
        assert alice.user_id in changed
        query = await bob.keys_query()
        assert isinstance(query, nio.KeysQueryResponse), query
        assert alice2.device_id in query.device_keys[alice.user_id]

        await settle(alice2, bob)
        await send_encrypted(bob, room_id, "for both of alice's devices")
        assert (await wait_for_text(alice2, room_id, "for both of alice's devices")).decrypted
    finally:
        await alice.close()
        await bob.close()
        if alice2 is not None:
            await alice2.close()


async def test_leaving_the_only_shared_room_puts_the_user_in_device_lists_left(server):
    alice, bob = register(server.url), register(server.url)
    room_id = alice.post("/createRoom", {"invite": [bob.user_id]}).json()["room_id"]
    bob.post(f"/join/{room_id}")
    token = bob.get("/sync", params={"timeout": 0}).json()["next_batch"]
    alice.post(f"/rooms/{room_id}/leave")
    await asyncio.sleep(0)
    body = bob.get("/sync", params={"since": token, "timeout": 5000}).json()
    assert alice.user_id in body["device_lists"]["left"]
    assert alice.user_id not in body["device_lists"]["changed"]
