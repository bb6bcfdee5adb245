"""/sync through matrix-nio: its parser validates every response and event against its
schemas and logs a warning on any mismatch, so a real client library must accept ours
without a single warning (rooms, invites, leaves, typing, receipts, presence, account
data, filters, long-polling)."""

import asyncio
import logging
import time

import nio
import pytest

from tests.helpers import PASSWORD, UserClient, register


@pytest.fixture
def nio_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="nio")
    yield lambda: [r.getMessage() for r in caplog.records
                   if r.name.startswith("nio") and r.levelno >= logging.WARNING]


async def _client(server) -> nio.AsyncClient:
    return (await _client_and_user(server))[0]


async def _client_and_user(server) -> tuple[nio.AsyncClient, UserClient]:
    user = register(server.url)
    client = nio.AsyncClient(server.url, user.user_id,
                             config=nio.AsyncClientConfig(encryption_enabled=False))
    resp = await client.login(PASSWORD, device_name="nio sync test")
    assert isinstance(resp, nio.LoginResponse), resp
    return client, user


async def _sync(client: nio.AsyncClient, **kwargs) -> nio.SyncResponse:
    resp = await client.sync(**kwargs)
    assert isinstance(resp, nio.SyncResponse), resp
    return resp


async def test_nio_follows_a_conversation(server, nio_warnings):
    alice, bob = await _client(server), await _client(server)
    try:
        created = await alice.room_create(name="nio room", invite=[bob.user_id])
        room_id = created.room_id
        await _sync(alice)
        invited = await _sync(bob)
        assert room_id in invited.rooms.invite
        assert bob.invited_rooms[room_id].name == "nio room"
        assert isinstance(await bob.join(room_id), nio.JoinResponse)
        sent = await alice.room_send(room_id, "m.room.message",
                                     {"msgtype": "m.text", "body": "hello nio"})
        joined = await _sync(bob)
        events = joined.rooms.join[room_id].timeline.events
        assert any(isinstance(e, nio.RoomMessageText) and e.body == "hello nio"
                   for e in events)
        room = bob.rooms[room_id]
        assert set(room.users) == {alice.user_id, bob.user_id}
        assert room.member_count == 2 and room.display_name == "nio room"

        await alice.room_typing(room_id, typing_state=True, timeout=10_000)
        await bob.update_receipt_marker(room_id, sent.event_id)  # nio: thread "main"
        await _sync(alice)
        threaded = alice.rooms[room_id].threaded_read_receipts[bob.user_id]["main"]
        assert threaded.event_id == sent.event_id
        await bob.room_read_markers(room_id, fully_read_event=sent.event_id,
                                    read_event=sent.event_id)
        await _sync(bob)
        assert bob.rooms[room_id].typing_users == [alice.user_id]
        assert bob.rooms[room_id].fully_read_marker == sent.event_id
        await _sync(alice)
        assert alice.rooms[room_id].read_receipts[bob.user_id].event_id == sent.event_id
    finally:
        await alice.close()
        await bob.close()
    assert nio_warnings() == []


async def test_nio_long_polls_and_sees_presence_and_leaves(server, nio_warnings):
    alice, bob = await _client(server), await _client(server)
    try:
        created = await alice.room_create(invite=[bob.user_id])
        room_id = created.room_id
        await _sync(alice)
        await _sync(bob)
        await bob.join(room_id)
        await _sync(alice)
        await _sync(bob)
        await bob.set_presence("online", "writing tests")
        presence = await _sync(alice)
        assert any(p.user_id == bob.user_id and p.status_msg == "writing tests"
                   for p in presence.presence_events)
        await _sync(bob)  # bob's own presence change, seen

        parked = asyncio.create_task(_sync(bob, timeout=20_000))
        await asyncio.sleep(0.3)
        assert not parked.done()
        started = time.monotonic()
        await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hey"})
        woken = await parked
        assert time.monotonic() - started < 1.0
        assert room_id in woken.rooms.join

        await alice.room_kick(room_id, bob.user_id, reason="bye")
        left = await _sync(bob)
        kick = left.rooms.leave[room_id].timeline.events[-1]
        assert isinstance(kick, nio.RoomMemberEvent) and kick.membership == "leave"
        assert kick.state_key == bob.user_id and kick.content["reason"] == "bye"
    finally:
        await alice.close()
        await bob.close()
    assert nio_warnings() == []


async def test_nio_filters_and_full_state(server, nio_warnings):
    alice, raw_alice = await _client_and_user(server)
    try:
        created = await alice.room_create(name="filtered")
        for i in range(5):
            await alice.room_send(created.room_id, "m.room.message",
                                  {"msgtype": "m.text", "body": f"m{i}"})
        uploaded = await alice.upload_filter(room={"timeline": {"limit": 2},
                                                   "state": {"lazy_load_members": True}})
        assert isinstance(uploaded, nio.UploadFilterResponse)
        resp = await _sync(alice, sync_filter=uploaded.filter_id, full_state=True)
        timeline = resp.rooms.join[created.room_id].timeline
        assert timeline.limited is True and len(timeline.events) == 2
        assert timeline.prev_batch
        raw_alice.put(f"/user/{alice.user_id}/account_data/org.example.nio", {"a": 1})
        data = await _sync(alice, sync_filter=uploaded.filter_id)
        assert [type(e) for e in data.account_data_events] == [nio.UnknownAccountDataEvent]
        assert data.account_data_events[0].type == "org.example.nio"
    finally:
        await alice.close()
    assert nio_warnings() == []
