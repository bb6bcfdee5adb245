"""`python -m bench.run`: start the servers, race every scenario on each, print the table.

Order of a run: each server is started from an empty data dir (start-up time) and
left idle (idle RSS); then, scenario by scenario, fixtures are built on every server
and the timed rounds alternate between servers (A, B, A, B); then memory after the
load, database growth, and a timed restart. The table goes to stdout and, unless
--no-results, is appended to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from bench.machine import describe_load, describe_machine
from bench.options import parse_args, servers_to_start
from bench.procstat import tree_rss_mib
from bench.report import Metric, Report, format_table
from bench.results_md import RunRecord, append_run
from bench.runner import ProfilePlan, RoundRunner, log
from bench.scenarios import ALL, BY_NAME
from bench.scenarios.base import Scenario
from bench.scenarios.history import DATABASE_GROWTH
from bench.servers.launch import prepare_server
from bench.servers.process import ServerProcess
from bench.sizes import SMOKE, Sizes
from bench.target import Target
from bench.targets import make_target, run_tag_and_password

STARTUP = Metric("startup_s", "start-up to first /versions, empty data dir", "s", target=4)
IDLE_RSS = Metric("idle_rss", "idle RSS of the process tree", "MiB", target=3)
RSS_AFTER = Metric("rss_after", "RSS after the load", "MiB")
DB_SIZE = Metric("db_size", "database size after the load", "MiB")
RESTART = Metric("restart_s", "restart to first /versions, with the history", "s")
WORK_DIR_MARK = ".bench-work-dir"
PYINSTRUMENT_LINES = 80


@dataclass
class Run:
    """Everything one run holds until it prints its table."""

    scenarios: list[Scenario]
    sizes: Sizes
    report: Report
    servers: dict[str, ServerProcess] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    profile_text: str | None = None


def choose_scenarios(names: list[str] | None) -> list[Scenario]:
    return [BY_NAME[name] for name in names] if names else list(ALL)


def declare_rows(report: Report, scenarios: list[Scenario]) -> None:
    for metric in (STARTUP, RESTART, IDLE_RSS):
        report.declare(metric)
    for scenario in scenarios:
        for metric in scenario.metrics:
            report.declare(metric)
    for metric in (RSS_AFTER, DATABASE_GROWTH, DB_SIZE):
        report.declare(metric)


async def start_servers(run: Run, settle_s: float) -> None:
    """Start each server in turn, timing it, then measure it idle."""
    for name, server in run.servers.items():
        log(f"starting {name} {server.version}")
        seconds = await server.start()
        run.report.record(name, STARTUP, seconds)
        await asyncio.sleep(settle_s)
        run.report.record(name, IDLE_RSS, tree_rss_mib(server.pid))
        log(f"{name} answered /versions after {seconds:.2f} s, "
            f"idle RSS {run.report.value(name, IDLE_RSS.key):.1f} MiB")


async def finish_servers(run: Run) -> None:
    """Memory and database after the load, then a timed restart of each server."""
    await asyncio.sleep(run.sizes.settle_s)
    for target in run.targets:
        run.report.record(target.name, RSS_AFTER, target.rss_mib())
        history = target.fixtures.get("history")
        run.report.record(target.name, DATABASE_GROWTH,
                          history.growth_mib_per_10k() if history else None)
        size = target.db_bytes()
        run.report.record(target.name, DB_SIZE, size / 2**20 if size is not None else None)
    for name, server in run.servers.items():
        server.stop()
        run.report.record(name, RESTART, await server.start())


async def run_all(run: Run, args: argparse.Namespace) -> None:
    run_tag, password = run_tag_and_password()
    await start_servers(run, run.sizes.settle_s)
    if args.url:
        run.targets.append(make_target(args.name, args.url, args, run_tag, password))
    for name, server in run.servers.items():
        run.targets.append(make_target(name, server.url, args, run_tag, password, server))
    profile = ProfilePlan.from_args(args)
    runner = RoundRunner(run.targets, run.sizes, args.rounds, not args.serial_setup, profile)
    for scenario in run.scenarios:
        run.failures += await runner.run_scenario(scenario, run.report)
    run.profile_text = runner.profile_text
    await finish_servers(run)


def pyinstrument_report(args: argparse.Namespace) -> str | None:
    """The head of the text report pyinstrument wrote when the profiled server stopped."""
    if not args.profile or args.profiler != "pyinstrument":
        return None
    path = args.work_dir / f"{args.profile_server}.pyinstrument.txt"
    if not path.exists():
        return f"pyinstrument wrote no report at {path}"
    head = path.read_text().splitlines()[:PYINSTRUMENT_LINES]
    return f"{args.profile_server}, whole run (pyinstrument):\n" + "\n".join(head)


def empty_work_dir(work_dir: Path) -> None:
    """Empty the work dir, refusing one that this harness did not make."""
    if work_dir.exists() and any(work_dir.iterdir()):
        if not (work_dir / WORK_DIR_MARK).exists():
            raise SystemExit(f"refusing to empty {work_dir}: it is not a bench work dir")
        shutil.rmtree(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / WORK_DIR_MARK).touch()


async def amain(args: argparse.Namespace) -> int:
    sizes = SMOKE if args.smoke else Sizes().scaled(args.scale)
    names = [args.name] if args.url else servers_to_start(args)
    run = Run(choose_scenarios(args.scenarios), sizes, Report(servers=names))
    declare_rows(run.report, run.scenarios)
    empty_work_dir(args.work_dir)
    started = time.perf_counter()
    try:
        for name in servers_to_start(args):
            run.servers[name] = prepare_server(name, args)
        await run_all(run, args)
    except Exception:
        run.failures.append(f"run: {traceback.format_exc()}")
    finally:
        for target in run.targets:
            await target.client.http.aclose()
        for server in run.servers.values():
            server.stop()
    run.profile_text = run.profile_text or pyinstrument_report(args)
    log(f"run took {time.perf_counter() - started:.0f} s")
    return report_run(run, args)


def failure_note(failure: str) -> str:
    """`scenario on server: <the exception line>` from a failure's traceback text."""
    where, _, details = failure.partition(": ")
    lines = details.strip().splitlines()
    return f"{where}: {lines[-1]}" if lines else where


def report_run(run: Run, args: argparse.Namespace) -> int:
    table = format_table(run.report)
    print(table)
    for failure in run.failures:
        print(f"\nFAILED: {failure}", file=sys.stderr)
    if run.profile_text:
        print(f"\nprofile:\n{run.profile_text}")
    if not args.no_results:
        versions = {name: server.version for name, server in run.servers.items()}
        options = f"scale {args.scale}, {args.rounds} rounds; {run.sizes.describe()}"
        notes = [*args.note, *(failure_note(failure) for failure in run.failures)]
        record = RunRecord(time.strftime("%Y-%m-%d %H:%M %Z"), describe_machine(),
                           describe_load(), versions, options, table, notes, run.profile_text)
        append_run(args.results, record)
        log(f"appended to {args.results}")
    return 1 if run.failures else 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import uvloop
    except ImportError:
        return asyncio.run(amain(args))
    return uvloop.run(amain(args))


if __name__ == "__main__":
    sys.exit(main())
