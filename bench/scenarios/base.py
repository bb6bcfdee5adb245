"""What every scenario is: untimed preparation, timed rounds, and figures from them.

A round is one timed run of a scenario against one server. Rounds alternate between
servers (A, B, A, B) so that a slow spell of the shared machine hits both; a scenario's
figures come from all of its rounds on one server taken together.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bench.report import Metric
from bench.sizes import Sizes
from bench.stats import summarize
from bench.target import CpuMeter, Target

T = TypeVar("T")


@dataclass
class Round:
    """What one round measured: operations done, items they carried (messages read,
    say), wall and server CPU time, latency of each operation."""

    ops: int = 0
    items: int = 0
    wall_s: float = 0.0
    cpu_s: float | None = None
    client_cpu_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)


def combine(rounds: list[Round]) -> Round:
    cpu = [one.cpu_s for one in rounds]
    return Round(
        ops=sum(one.ops for one in rounds),
        items=sum(one.items for one in rounds),
        wall_s=sum(one.wall_s for one in rounds),
        cpu_s=None if any(value is None for value in cpu) else sum(cpu),  # type: ignore[misc]
        latencies_ms=[latency for one in rounds for latency in one.latencies_ms],
    )


async def timed_ms(call: Callable[[], Awaitable[T]], into: list[float]) -> T:
    """Await `call()`, appending its wall time in milliseconds to `into`."""
    started = time.perf_counter()
    answer = await call()
    into.append((time.perf_counter() - started) * 1000)
    return answer


class Measuring:
    """`async with Measuring(target) as round:` fills in wall and CPU time of the block."""

    def __init__(self, target: Target) -> None:
        self.meter = CpuMeter(target)
        self.round = Round()
        self._started = 0.0
        self._client_started = 0.0

    async def __aenter__(self) -> Round:
        self.meter.start()
        self._started = time.perf_counter()
        self._client_started = time.process_time()
        return self.round

    async def __aexit__(self, *exc_info: object) -> None:
        self.round.wall_s = time.perf_counter() - self._started
        self.round.client_cpu_s = time.process_time() - self._client_started
        self.round.cpu_s = self.meter.stop()


def cpu_ms_per_op(whole: Round) -> float | None:
    if whole.cpu_s is None or whole.ops == 0:
        return None
    return whole.cpu_s * 1000 / whole.ops


def latency_metrics(prefix: str, what: str, targets: dict[str, float]) -> list[Metric]:
    """p50/p95/p99 rows; `targets` maps a percentile name to its target factor."""
    return [Metric(f"{prefix}_{name}", f"{what} {name}", "ms", target=targets.get(name))
            for name in ("p50", "p95", "p99")]


def latency_figures(prefix: str, whole: Round) -> dict[str, float | None]:
    if not whole.latencies_ms:
        return {f"{prefix}_{name}": None for name in ("p50", "p95", "p99")}
    summary = summarize(whole.latencies_ms)
    return {f"{prefix}_p50": summary.p50, f"{prefix}_p95": summary.p95,
            f"{prefix}_p99": summary.p99}


class Scenario(ABC):
    """A named workload: `prepare` builds fixtures, `measure` runs one timed round."""

    name: str
    title: str
    metrics: list[Metric]

    async def prepare(self, target: Target, sizes: Sizes) -> None:  # noqa: B027
        """Untimed set-up on one server; by default nothing."""

    @abstractmethod
    async def measure(self, target: Target, sizes: Sizes) -> Round: ...

    @abstractmethod
    def figures(self, whole: Round) -> dict[str, float | None]:
        """Metric key -> value, from all of this server's rounds combined."""
