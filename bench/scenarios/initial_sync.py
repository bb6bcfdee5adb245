"""Initial sync (full and lazy-loading) and empty incremental sync of the history reader.

Initial sync: GET /sync with no `since` and timeout=0 for a user in `sync_rooms`
rooms of `messages_per_room` messages. "full" sends no filter (the server picks its
default timeline limit); "lazy" sends the inline filter
{"room":{"timeline":{"limit":10},"state":{"lazy_load_members":true}}}. One untimed
sync first, then `sync_repeats` timed ones, one after another.

Empty sync: from a fresh `next_batch`, `empty_syncs` calls of GET /sync?since=T&timeout=0
with nothing new to report, each following the previous answer's next_batch.
"""

from __future__ import annotations

import json

from bench.report import Metric
from bench.scenarios.base import (
    Measuring,
    Round,
    Scenario,
    cpu_ms_per_op,
    latency_figures,
    timed_ms,
)
from bench.scenarios.history import ensure_history
from bench.sizes import Sizes
from bench.target import Target

KIB = 1024


def lazy_filter(timeline_limit: int) -> str:
    return json.dumps({"room": {"timeline": {"limit": timeline_limit},
                                "state": {"lazy_load_members": True}}}, separators=(",", ":"))


class InitialSync(Scenario):
    def __init__(self, lazy: bool) -> None:
        self.lazy = lazy
        self.name = "initial_sync_lazy" if lazy else "initial_sync_full"
        kind = "lazy, limit 10" if lazy else "full"
        self.title = f"initial sync ({kind})"
        self.metrics = [
            Metric(f"{self.name}_p50", f"initial sync {kind}, p50", "ms", target=3),
            Metric(f"{self.name}_p95", f"initial sync {kind}, p95", "ms"),
            Metric(f"{self.name}_cpu", f"initial sync {kind}, server CPU each", "ms"),
            Metric(f"{self.name}_kib", f"initial sync {kind}, answer size", "KiB"),
        ]

    async def prepare(self, target: Target, sizes: Sizes) -> None:
        await ensure_history(target, sizes)

    async def measure(self, target: Target, sizes: Sizes) -> Round:
        reader = (await ensure_history(target, sizes)).reader
        filter_json = lazy_filter(sizes.timeline_limit) if self.lazy else None

        async def initial_sync() -> dict:
            return await target.client.sync(reader, filter_json=filter_json)

        await initial_sync()  # untimed: warms caches the way a client's retry would
        async with Measuring(target) as round_:
            for _ in range(sizes.sync_repeats):
                await timed_ms(initial_sync, round_.latencies_ms)
                round_.ops += 1
                round_.items += target.client.last_answer_bytes
        return round_

    def figures(self, whole: Round) -> dict[str, float | None]:
        percentiles = latency_figures(self.name, whole)
        return {
            f"{self.name}_p50": percentiles[f"{self.name}_p50"],
            f"{self.name}_p95": percentiles[f"{self.name}_p95"],
            f"{self.name}_cpu": cpu_ms_per_op(whole),
            f"{self.name}_kib": whole.items / whole.ops / KIB if whole.ops else None,
        }


class EmptySync(Scenario):
    name = "empty_sync"
    title = "incremental empty sync"
    metrics = [
        Metric("empty_sync_p50", "empty incremental sync, p50", "ms", target=3),
        Metric("empty_sync_p95", "empty incremental sync, p95", "ms"),
        Metric("empty_sync_cpu", "empty incremental sync, server CPU each", "ms"),
    ]

    async def prepare(self, target: Target, sizes: Sizes) -> None:
        await ensure_history(target, sizes)

    async def measure(self, target: Target, sizes: Sizes) -> Round:
        reader = (await ensure_history(target, sizes)).reader
        first = await target.client.sync(reader, filter_json=lazy_filter(1))
        since = first["next_batch"]
        async with Measuring(target) as round_:
            for _ in range(sizes.empty_syncs):
                answer = await timed_ms(
                    lambda since=since: target.client.sync(reader, since=since),
                    round_.latencies_ms)
                since = answer["next_batch"]
                round_.ops += 1
        return round_

    def figures(self, whole: Round) -> dict[str, float | None]:
        percentiles = latency_figures(self.name, whole)
        return {"empty_sync_p50": percentiles["empty_sync_p50"],
                "empty_sync_p95": percentiles["empty_sync_p95"],
                "empty_sync_cpu": cpu_ms_per_op(whole)}
