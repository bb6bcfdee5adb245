"""register + login: one new user through open registration, then a password login.

Each pair costs the server two password hashes (one to store, one to check), which is
most of its CPU. Pairs run one after another so wall time is latency, not queueing.
Against a server whose users come from a command template this scenario measures
template + login instead, and its CPU figure leaves out the template's own process.
"""

from __future__ import annotations

import time

from bench.report import Metric
from bench.scenarios.base import Measuring, Round, Scenario, cpu_ms_per_op, latency_figures
from bench.sizes import Sizes
from bench.target import Target


class RegisterLogin(Scenario):
    name = "register"
    title = "register + login"
    metrics = [
        Metric("register_p50", "register + login, p50", "ms"),
        Metric("register_cpu", "register + login, server CPU each", "ms"),
    ]

    async def measure(self, target: Target, sizes: Sizes) -> Round:
        async with Measuring(target) as round_:
            for _ in range(sizes.register_users):
                started = time.perf_counter()
                account = await target.users.create()
                await target.client.login(account.localpart, account.password)
                round_.latencies_ms.append((time.perf_counter() - started) * 1000)
                round_.ops += 1
        return round_

    def figures(self, whole: Round) -> dict[str, float | None]:
        p50 = latency_figures("register", whole)["register_p50"]
        return {"register_p50": p50, "register_cpu": cpu_ms_per_op(whole)}
