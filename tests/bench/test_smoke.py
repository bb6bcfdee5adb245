"""The benchmark itself, run tiny against closedserver alone, so it cannot rot: every
scenario must complete (the harness exits 1 if any fails)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_smoke_run_against_closedserver(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--work-dir", str(tmp_path / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "initial sync" in result.stdout and "fan-out" in result.stdout
