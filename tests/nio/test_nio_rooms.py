"""Rooms end to end with matrix-nio: create, invite, join, send, edit, react, redact,
paginate, leave, kick, ban and a failed rejoin."""

import nio

from tests.helpers import PASSWORD, register


async def logged_in(server):
    user = register(server.url)
    client = nio.AsyncClient(server.url, user.user_id)
    resp = await client.login(PASSWORD)
    assert isinstance(resp, nio.LoginResponse), resp
    return client


async def test_nio_room_lifecycle(server):
    alice, bob = await logged_in(server), await logged_in(server)
    try:
        created = await alice.room_create(name="nio room", invite=[bob.user_id])
        assert isinstance(created, nio.RoomCreateResponse), created
        room_id = created.room_id
        joined = await bob.join(room_id)
        assert isinstance(joined, nio.JoinResponse), joined

        sent = await alice.room_send(room_id, "m.room.message",
                                     {"msgtype": "m.text", "body": "helo"})
        assert isinstance(sent, nio.RoomSendResponse), sent
        edit = await alice.room_send(room_id, "m.room.message", {
            "msgtype": "m.text", "body": "* hello",
            "m.new_content": {"msgtype": "m.text", "body": "hello"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": sent.event_id}})
        assert isinstance(edit, nio.RoomSendResponse)
        react = await bob.room_send(room_id, "m.reaction", {"m.relates_to": {
            "rel_type": "m.annotation", "event_id": sent.event_id, "key": "🎉"}})
        assert isinstance(react, nio.RoomSendResponse)
        redacted = await bob.room_redact(room_id, react.event_id, reason="changed my mind")
        assert isinstance(redacted, nio.RoomRedactResponse), redacted

        for i in range(200):
            await bob.room_send(room_id, "m.room.message", {"msgtype": "m.text",
                                                            "body": f"n{i}"})
        bodies, start = [], ""
        while True:
            page = await alice.room_messages(room_id, start=start, limit=50)
            assert isinstance(page, nio.RoomMessagesResponse), page
            bodies += [e.body for e in page.chunk if isinstance(e, nio.RoomMessageText)
                       and e.body.startswith("n")]
            if not page.end or not page.chunk:
                break
            start = page.end
        assert bodies == [f"n{i}" for i in reversed(range(200))]

        assert isinstance(await bob.room_leave(room_id), nio.RoomLeaveResponse)
        assert isinstance(await bob.join(room_id), nio.JoinError)  # invite-only, invite spent
        await alice.room_invite(room_id, bob.user_id)
        assert isinstance(await bob.join(room_id), nio.JoinResponse)
        assert isinstance(await alice.room_kick(room_id, bob.user_id, "bye"),
                          nio.RoomKickResponse)
        await alice.room_invite(room_id, bob.user_id)
        assert isinstance(await alice.room_ban(room_id, bob.user_id, "gone"),
                          nio.RoomBanResponse)
        rejoin = await bob.join(room_id)
        assert isinstance(rejoin, nio.JoinError) and rejoin.status_code == "M_FORBIDDEN"
    finally:
        await alice.close()
        await bob.close()
