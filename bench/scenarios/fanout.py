"""Fan-out: how long a message takes from its send to each member's parked /sync.

Twenty members each hold a long-polling /sync (timeout 30 s) open on the room. One
more user sends a message; the clock starts just before the PUT /send goes out and
stops, per member, when that member's /sync answer carrying the message has been
read. The next message goes out once every member has it (and after a short pause,
so every /sync is parked again). Figures: p50/p95/p99 over all (member, message)
pairs, and server CPU per message sent (its twenty deliveries included).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

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
from bench.scenarios.fixtures import shared_rooms
from bench.sizes import Sizes
from bench.target import Target
from bench.tokens import Account

PARK_TIMEOUT_MS = 30000
REPARK_PAUSE_S = 0.05
ARRIVAL_TIMEOUT_S = 30.0
SINCE_FILTER = '{"room":{"timeline":{"limit":1}}}'


@dataclass
class Deliveries:
    """Which member has seen which message, and when each message went out."""

    members: int
    sent_at: dict[int, float] = field(default_factory=dict)
    arrived: dict[int, int] = field(default_factory=dict)
    everyone_has: dict[int, asyncio.Event] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)

    def expect(self, seq: int) -> asyncio.Event:
        self.everyone_has[seq] = asyncio.Event()
        self.sent_at[seq] = time.perf_counter()
        return self.everyone_has[seq]

    def arrive(self, seq: int, now: float) -> None:
        if seq not in self.sent_at:
            return
        self.latencies_ms.append((now - self.sent_at[seq]) * 1000)
        self.arrived[seq] = self.arrived.get(seq, 0) + 1
        if self.arrived[seq] == self.members:
            self.everyone_has[seq].set()


def bench_seqs(sync_answer: dict[str, Any], room_id: str, run_tag: str) -> list[int]:
    """The `bench_seq` of each message of this run in the room's new timeline events."""
    room = sync_answer.get("rooms", {}).get("join", {}).get(room_id, {})
    seqs = []
    for event in room.get("timeline", {}).get("events", []):
        content = event.get("content", {})
        if content.get("bench_run") == run_tag and isinstance(content.get("bench_seq"), int):
            seqs.append(content["bench_seq"])
    return seqs


class FanOut(Scenario):
    name = "fanout"
    title = "fan-out to 20 parked /sync"
    metrics = [
        *latency_metrics("fanout", "fan-out send -> /sync", {"p95": 5}),
        Metric("fanout_cpu", "fan-out, server CPU per message", "ms"),
    ]

    async def prepare(self, target: Target, sizes: Sizes) -> None:
        accounts = await target.accounts(sizes.fanout_members + 1)
        await shared_rooms(target, self.name, 1, accounts, sizes.setup_concurrency)

    async def measure(self, target: Target, sizes: Sizes) -> Round:
        accounts = await target.accounts(sizes.fanout_members + 1)
        members, sender = accounts[:-1], accounts[-1]
        room_id = target.fixtures[self.name][0]
        run_tag = f"fanout{len(target.fixtures)}-{time.monotonic_ns()}"
        deliveries = Deliveries(members=len(members))
        since = await asyncio.gather(*(self._since(target, member) for member in members))
        listeners = [asyncio.create_task(self._listen(target, member, token, room_id, run_tag,
                                                      deliveries))
                     for member, token in zip(members, since, strict=True)]
        try:
            await asyncio.sleep(0.5)  # let every /sync park
            async with Measuring(target) as round_:
                for seq in range(sizes.fanout_messages):
                    everyone = deliveries.expect(seq)
                    await target.client.send_message(sender, room_id,
                                                     message_content(seq, run_tag))
                    await self._everyone_has(everyone, listeners)
                    round_.ops += 1
                    await asyncio.sleep(REPARK_PAUSE_S)
        finally:
            await self._stop(listeners)
        round_.latencies_ms = deliveries.latencies_ms
        round_.wall_s -= REPARK_PAUSE_S * round_.ops
        return round_

    async def _everyone_has(self, everyone: asyncio.Event,
                            listeners: list[asyncio.Task]) -> None:
        """Wait for all members to have the message; a failed listener fails the round."""
        waiting = asyncio.create_task(everyone.wait())
        done, _ = await asyncio.wait([waiting, *listeners], timeout=ARRIVAL_TIMEOUT_S,
                                     return_when=asyncio.FIRST_COMPLETED)
        if waiting not in done:
            waiting.cancel()
            failed = [task for task in listeners if task in done]
            if failed:
                failed[0].result()  # raises what the listener raised
            raise TimeoutError(f"a message did not reach every member in {ARRIVAL_TIMEOUT_S} s")

    async def _since(self, target: Target, member: Account) -> str:
        answer = await target.client.sync(member, filter_json=SINCE_FILTER)
        return answer["next_batch"]

    async def _listen(self, target: Target, member: Account, since: str, room_id: str,
                      run_tag: str, deliveries: Deliveries) -> None:
        while True:
            answer = await target.client.sync(member, since=since, timeout_ms=PARK_TIMEOUT_MS)
            now = time.perf_counter()
            for seq in bench_seqs(answer, room_id, run_tag):
                deliveries.arrive(seq, now)
            since = answer["next_batch"]

    async def _stop(self, listeners: list[asyncio.Task]) -> None:
        for listener in listeners:
            listener.cancel()
        for listener in listeners:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listener

    def figures(self, whole: Round) -> dict[str, float | None]:
        return {**latency_figures("fanout", whole), "fanout_cpu": cpu_ms_per_op(whole)}
