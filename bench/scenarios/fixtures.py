"""Rooms that scenarios share: created once per server, outside any timed round."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable

from bench.target import Target
from bench.tokens import Account


async def bounded(calls: Iterable[Awaitable[object]], concurrency: int) -> None:
    """Await all of `calls`, at most `concurrency` at a time."""
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Awaitable[object]) -> None:
        async with gate:
            await call

    await asyncio.gather(*(one(call) for call in calls))


async def room_with_members(target: Target, creator: Account, members: list[Account],
                            name: str) -> str:
    """A public room `creator` made and every other account in `members` joined."""
    room_id = await target.client.create_room(creator, name)
    for member in members:
        if member.user_id != creator.user_id:
            await target.client.join(member, room_id)
    return room_id


async def shared_rooms(target: Target, key: str, count: int, members: list[Account],
                       concurrency: int) -> list[str]:
    """`count` rooms all of `members` are in, cached on the target under `key`."""
    if key not in target.fixtures:
        rooms: list[str] = [""] * count

        async def make(index: int) -> None:
            creator = members[index % len(members)]
            rooms[index] = await room_with_members(target, creator, members, f"{key} {index}")

        await bounded((make(index) for index in range(count)), concurrency)
        target.fixtures[key] = rooms
    return target.fixtures[key]
