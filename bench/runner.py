"""Running one scenario on every target: fixtures, alternating rounds, figures, profiles."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench.profiling import PySpyRecording, find_py_spy
from bench.report import Report
from bench.scenarios.base import Round, Scenario, combine
from bench.sizes import Sizes
from bench.target import Target

STARTED = time.perf_counter()
QUIET_WINDOW_S = 0.25
QUIET_CPU_SHARE = 0.10  # of one core, all servers together
QUIET_WINDOWS_NEEDED = 2
QUIET_MAX_WAIT_S = 30.0


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ProfilePlan:
    """Profile `server` with py-spy during an extra, untimed round of `scenario`."""

    scenario: str
    server: str
    py_spy: str
    output_dir: Path

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ProfilePlan | None:
        if not args.profile or args.profiler != "py-spy":
            return None
        return cls(args.profile, args.profile_server, find_py_spy(args.synapse_venv),
                   args.work_dir)

    def wants(self, scenario: Scenario, target: Target) -> bool:
        return (scenario.name == self.scenario and target.name == self.server
                and target.pid is not None)


class RoundRunner:
    def __init__(self, targets: list[Target], sizes: Sizes, rounds: int, parallel_setup: bool,
                 profile: ProfilePlan | None) -> None:
        self.targets = targets
        self.sizes = sizes
        self.rounds = rounds
        self.parallel_setup = parallel_setup
        self.profile = profile
        self.profile_text: str | None = None

    async def run_scenario(self, scenario: Scenario, report: Report) -> list[str]:
        """Prepare, measure and record one scenario; the failures, as text."""
        failures: list[str] = []
        alive = await self._prepare(scenario, failures)
        rounds: dict[str, list[Round]] = {target.name: [] for target in self.targets}
        for round_number in range(self.rounds):
            for target in list(alive):
                try:
                    one = await self._timed_round(scenario, target)
                except Exception:
                    failures.append(f"{scenario.name} on {target.name}: {traceback.format_exc()}")
                    alive.remove(target)
                    continue
                rounds[target.name].append(one)
                log(f"{scenario.name} on {target.name}, round {round_number + 1}: "
                    f"{one.ops} ops in {one.wall_s:.2f} s, server CPU {_seconds(one.cpu_s)}, "
                    f"load generator CPU {one.client_cpu_s:.2f} s")
        for target in self.targets:
            done = target in alive and rounds[target.name]
            values = scenario.figures(combine(rounds[target.name])) if done else {}
            for metric in scenario.metrics:
                report.record(target.name, metric, values.get(metric.key))
        for target in alive:
            if self.profile and self.profile.wants(scenario, target):
                await self._profiled_round(scenario, target)
        return failures

    async def _prepare(self, scenario: Scenario, failures: list[str]) -> list[Target]:
        log(f"{scenario.name}: preparing ({scenario.title})")

        async def prepare(target: Target) -> Target | None:
            try:
                await scenario.prepare(target, self.sizes)
                return target
            except Exception:
                failures.append(f"{scenario.name} set-up on {target.name}: "
                                f"{traceback.format_exc()}")
                return None

        if self.parallel_setup:
            prepared = await asyncio.gather(*(prepare(target) for target in self.targets))
        else:
            prepared = [await prepare(target) for target in self.targets]
        return [target for target in prepared if target is not None]

    async def _timed_round(self, scenario: Scenario, target: Target) -> Round:
        waited = await wait_until_quiet(self.targets)
        if waited > 5:
            log(f"waited {waited:.1f} s for the servers to go quiet")
        return await scenario.measure(target, self.sizes)

    async def _profiled_round(self, scenario: Scenario, target: Target) -> None:
        """One more round, under py-spy and left out of every figure."""
        assert self.profile is not None and target.pid is not None
        output = self.profile.output_dir / f"{target.name}.{scenario.name}.py-spy.txt"
        await wait_until_quiet(self.targets)
        recording = PySpyRecording.start(self.profile.py_spy, target.pid, output)
        await asyncio.sleep(0.5)  # py-spy needs a moment to attach
        try:
            await scenario.measure(target, self.sizes)
        finally:
            summary = await asyncio.to_thread(recording.stop, f"{target.name}/")
            self.profile_text = f"{target.name} during {scenario.name}:\n{summary}"
        log(f"profiled {scenario.name} on {target.name}: {output}")


async def wait_until_quiet(targets: list[Target], max_wait_s: float = QUIET_MAX_WAIT_S) -> float:
    """Wait until the servers' background work (after a fixture, say) has died down.

    Quiet means all servers together used under QUIET_CPU_SHARE of a core in
    QUIET_WINDOWS_NEEDED windows in a row; gives up after `max_wait_s`. The seconds waited.
    """
    started = time.perf_counter()
    quiet_windows = 0
    while quiet_windows < QUIET_WINDOWS_NEEDED and time.perf_counter() - started < max_wait_s:
        before = _total_cpu(targets)
        await asyncio.sleep(QUIET_WINDOW_S)
        busy = (_total_cpu(targets) - before) / QUIET_WINDOW_S
        quiet_windows = quiet_windows + 1 if busy < QUIET_CPU_SHARE else 0
    return time.perf_counter() - started


def _total_cpu(targets: list[Target]) -> float:
    return sum(target.cpu_seconds() or 0.0 for target in targets)


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"
