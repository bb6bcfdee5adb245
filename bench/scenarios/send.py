"""Send throughput: concurrent senders, each sending its messages one after another.

`rooms="one"`: all senders into one room (they contend for that room's order).
`rooms="many"`: sender i into room i (no contention but the database's own).
Every sender is a member of every room, so each message has the same audience in
both. Figures: messages/s over the whole round, the latency of each PUT /send
(p50/p95/p99) and server CPU per message.
"""

from __future__ import annotations

import time

from bench.client import message_content
from bench.report import Metric
from bench.scenarios.base import (
    Measuring,
    Round,
    Scenario,
    cpu_ms_per_op,
    latency_figures,
    latency_metrics,
)
from bench.scenarios.fixtures import bounded, shared_rooms
from bench.sizes import Sizes
from bench.target import Target
from bench.tokens import Account


class SendThroughput(Scenario):
    def __init__(self, rooms: str) -> None:
        if rooms not in ("one", "many"):
            raise ValueError(f"rooms must be 'one' or 'many', not {rooms!r}")
        self.rooms = rooms
        self.name = "send_1room" if rooms == "one" else "send_10rooms"
        where = "1 room" if rooms == "one" else "10 rooms"
        self.title = f"10 senders -> {where}"
        self.metrics = [
            Metric(f"{self.name}_rate", f"send {where}, throughput", "msg/s",
                   lower_is_better=False, target=8),
            *latency_metrics(self.name, f"send {where}, latency", {}),
            Metric(f"{self.name}_cpu", f"send {where}, server CPU per message", "ms", target=8),
        ]

    def room_count(self, sizes: Sizes) -> int:
        return 1 if self.rooms == "one" else sizes.send_rooms

    async def prepare(self, target: Target, sizes: Sizes) -> None:
        senders = await target.accounts(sizes.senders)
        await shared_rooms(target, self.name, self.room_count(sizes), senders,
                           sizes.setup_concurrency)

    async def measure(self, target: Target, sizes: Sizes) -> Round:
        senders = await target.accounts(sizes.senders)
        rooms = target.fixtures[self.name]
        async with Measuring(target) as round_:
            await bounded((self._sender(target, sender, rooms[index % len(rooms)],
                                        sizes.messages_per_sender, round_)
                           for index, sender in enumerate(senders)), len(senders))
        return round_

    async def _sender(self, target: Target, sender: Account, room_id: str, count: int,
                      round_: Round) -> None:
        for seq in range(count):
            started = time.perf_counter()
            await target.client.send_message(sender, room_id, message_content(seq, self.name))
            round_.latencies_ms.append((time.perf_counter() - started) * 1000)
            round_.ops += 1

    def figures(self, whole: Round) -> dict[str, float | None]:
        rate = whole.ops / whole.wall_s if whole.wall_s else None
        return {
            f"{self.name}_rate": rate,
            **latency_figures(self.name, whole),
            f"{self.name}_cpu": cpu_ms_per_op(whole),
        }
