"""/messages back-pagination: walking back through a room's whole history.

GET /rooms/{roomId}/messages?dir=b&limit=100, first without `from` (the end of the
timeline, allowed since spec v1.3), then from each answer's `end`, until
`pagination_messages` m.room.message events have been read or `end` is absent.
Figures: latency of one page (p50/p95), server CPU per page, and the wall time per
1,000 messages read.
"""

from __future__ import annotations

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
from bench.tokens import Account


class Pagination(Scenario):
    name = "messages"
    title = "/messages back-pagination"
    metrics = [
        Metric("messages_p50", "/messages page of 100, p50", "ms", target=3),
        Metric("messages_p95", "/messages page of 100, p95", "ms"),
        Metric("messages_cpu", "/messages page of 100, server CPU each", "ms"),
        Metric("messages_per_1k", "/messages, wall time per 1,000 messages", "ms"),
    ]

    async def prepare(self, target: Target, sizes: Sizes) -> None:
        await ensure_history(target, sizes)

    async def measure(self, target: Target, sizes: Sizes) -> Round:
        history = await ensure_history(target, sizes)
        async with Measuring(target) as round_:
            for _ in range(sizes.pagination_repeats):
                await self._walk(target, history.paginator, history.pagination_room,
                                 sizes, round_)
        return round_

    async def _walk(self, target: Target, paginator: Account, room_id: str, sizes: Sizes,
                    round_: Round) -> None:
        token: str | None = None
        read = 0
        while read < sizes.pagination_messages:
            page = await timed_ms(
                lambda token=token: target.client.messages(paginator, room_id, token,
                                                           sizes.page_size),
                round_.latencies_ms)
            round_.ops += 1
            chunk = page.get("chunk", [])
            read += sum(1 for event in chunk if event.get("type") == "m.room.message")
            token = page.get("end")
            if not token or not chunk:
                break
        round_.items += read

    def figures(self, whole: Round) -> dict[str, float | None]:
        percentiles = latency_figures(self.name, whole)
        per_1k = sum(whole.latencies_ms) / whole.items * 1000 if whole.items else None
        return {"messages_p50": percentiles["messages_p50"],
                "messages_p95": percentiles["messages_p95"],
                "messages_cpu": cpu_ms_per_op(whole), "messages_per_1k": per_1k}
