"""Aliases, the room directory, relations, threads and spaces through matrix-nio."""

import nio
from nio.api import RelationshipType, ThreadInclusion
from nio.responses import PublicRoomsResponse

from tests.helpers import PASSWORD, register, unique_name


async def logged_in(server) -> nio.AsyncClient:
    user = register(server.url)
    client = nio.AsyncClient(server.url, user.user_id)
    assert isinstance(await client.login(PASSWORD), nio.LoginResponse)
    return client


async def say(client: nio.AsyncClient, room_id: str, body: str, **relates_to) -> str:
    content = {"msgtype": "m.text", "body": body}
    if relates_to:
        content["m.relates_to"] = relates_to
    resp = await client.room_send(room_id, "m.room.message", content)
    assert isinstance(resp, nio.RoomSendResponse), resp
    return resp.event_id


async def test_nio_aliases_and_public_rooms(server):
    client = await logged_in(server)
    try:
        topic = unique_name("niotopic")
        created = await client.room_create(visibility=nio.RoomVisibility.public,
                                           name="Nio public", topic=topic)
        assert isinstance(created, nio.RoomCreateResponse), created
        alias = f"#{unique_name('nioalias')}:localhost"
        assert isinstance(await client.room_put_alias(alias, created.room_id),
                          nio.RoomPutAliasResponse)
        resolved = await client.room_resolve_alias(alias)
        assert isinstance(resolved, nio.RoomResolveAliasResponse), resolved
        assert resolved.room_id == created.room_id and resolved.servers == ["localhost"]
        rooms = await client.list_public_rooms(filter_generic_search_term=topic)
        assert isinstance(rooms, PublicRoomsResponse), rooms
        assert [(r.room_id, r.name, r.num_joined_members) for r in rooms.public_rooms] == [
            (created.room_id, "Nio public", 1)]
        assert isinstance(await client.room_delete_alias(alias), nio.RoomDeleteAliasResponse)
        assert isinstance(await client.room_resolve_alias(alias), nio.RoomResolveAliasError)
    finally:
        await client.close()


async def test_nio_relations_and_threads(server):
    client = await logged_in(server)
    try:
        room_id = (await client.room_create()).room_id
        root = await say(client, room_id, "root")
        replies = [await say(client, room_id, f"reply {i}", rel_type="m.thread",
                             event_id=root) for i in range(5)]
        related = [event.event_id async for event in client.room_get_event_relations(
            room_id, root, RelationshipType.thread, limit=2)]
        assert related == replies[::-1]
        roots = [event.event_id async for event in client.room_get_threads(
            room_id, ThreadInclusion.participated, limit=1)]
        assert roots == [root]
    finally:
        await client.close()


async def test_nio_space_hierarchy(server):
    client = await logged_in(server)
    try:
        space = await client.room_create(space=True, name="Nio space")
        child = await client.room_create(name="Nio child")
        resp = await client.room_put_state(space.room_id, "m.space.child",
                                           {"via": ["localhost"]}, state_key=child.room_id)
        assert isinstance(resp, nio.RoomPutStateResponse), resp
        hierarchy = await client.space_get_hierarchy(space.room_id)
        assert isinstance(hierarchy, nio.SpaceGetHierarchyResponse), hierarchy
        assert [r["room_id"] for r in hierarchy.rooms] == [space.room_id, child.room_id]
    finally:
        await client.close()
