"""What machine a run happened on, for the RESULTS.md header."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def describe_machine() -> str:
    cores = len(os.sched_getaffinity(0))
    return (f"{cores} cores ({cpu_model()}), {memory_gib():.1f} GiB memory, "
            f"Linux {platform.release()}, Python {platform.python_version()}")


def describe_load() -> str:
    """The load averages: above the core count, other work competed with the run."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"
