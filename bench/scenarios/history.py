"""The history that the read scenarios share, and the database growth it causes.

Built once per server: a reader in `sync_rooms` rooms of `members_per_room` members
and `messages_per_room` messages each (initial and empty sync), and one more room of
`pagination_messages` messages that the reader is not in (/messages). The database
files are measured after the rooms and members exist and again after all messages
are in, so the growth is that of the messages alone, scaled to 10,000 messages.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bench.client import message_content
from bench.procstat import MIB
from bench.report import Metric
from bench.scenarios.fixtures import bounded, room_with_members
from bench.sizes import Sizes
from bench.target import Target
from bench.tokens import Account

DATABASE_GROWTH = Metric("db_per_10k", "database growth per 10,000 messages", "MiB",
                         target=2)


@dataclass
class History:
    reader: Account
    crowd: list[Account]
    sync_rooms: list[str]
    pagination_room: str
    messages_sent: int
    db_bytes_before: int | None
    db_bytes_after: int | None

    @property
    def paginator(self) -> Account:
        return self.crowd[0]

    def growth_mib_per_10k(self) -> float | None:
        if self.db_bytes_before is None or self.db_bytes_after is None:
            return None
        growth = self.db_bytes_after - self.db_bytes_before
        return growth / self.messages_sent * 10_000 / MIB


async def ensure_history(target: Target, sizes: Sizes) -> History:
    if "history" not in target.fixtures:
        target.fixtures["history"] = await build_history(target, sizes)
    return target.fixtures["history"]


async def build_history(target: Target, sizes: Sizes) -> History:
    reader = await target.users.create()
    crowd = await target.users.create_many(max(1, sizes.members_per_room - 1))
    members = [reader, *crowd]
    rooms: list[str] = [""] * sizes.sync_rooms

    async def make(index: int) -> None:
        rooms[index] = await room_with_members(target, reader, members, f"history {index}")

    await bounded((make(index) for index in range(sizes.sync_rooms)), sizes.setup_concurrency)
    pagination_room = await room_with_members(target, crowd[0], crowd[:1], "pagination")
    settle_s = min(1.0, sizes.settle_s)  # let the WAL take the rooms before measuring
    await asyncio.sleep(settle_s)
    before = target.db_bytes()
    sent = await _fill(target, sizes, reader, rooms, crowd[0], pagination_room)
    await asyncio.sleep(settle_s)
    return History(reader, crowd, rooms, pagination_room, sent, before, target.db_bytes())


async def _fill(target: Target, sizes: Sizes, reader: Account, rooms: list[str],
                paginator: Account, pagination_room: str) -> int:
    """Send every history message, interleaving rooms; the number sent."""
    jobs = [(reader, room_id, seq) for seq in range(sizes.messages_per_room) for room_id in rooms]
    jobs += [(paginator, pagination_room, seq) for seq in range(sizes.pagination_messages)]
    await bounded((target.client.send_message(account, room_id, message_content(seq, "history"))
                   for account, room_id, seq in jobs), sizes.setup_concurrency)
    return len(jobs)
