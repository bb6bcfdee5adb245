"""Profiling a server during one scenario: py-spy attached, or pyinstrument wrapped.

py-spy (the default) attaches to the running server for one extra, untimed round of
the chosen scenario, sampling without pausing it (--nonblocking), and writes collapsed
stacks; `summarize_collapsed` turns them into the functions with the most samples.
pyinstrument cannot attach: it wraps the server process from its start, profiles the
whole run (main thread), and writes its text report when the server stops on SIGINT.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PY_SPY_RATE = 250
STOP_TIMEOUT_S = 30.0
TOP_FUNCTIONS = 15


def find_py_spy(bench_venv: Path) -> str:
    """py-spy from the bench venv (where `make bench` puts it), else from PATH."""
    local = bench_venv / "bin" / "py-spy"
    found = str(local) if local.exists() else shutil.which("py-spy")
    if not found:
        raise FileNotFoundError(f"py-spy not found: `{bench_venv}/bin/pip install py-spy`")
    return found


@dataclass
class PySpyRecording:
    """A running `py-spy record --pid` that stop() ends and summarises."""

    process: subprocess.Popen
    output: Path

    @classmethod
    def start(cls, py_spy: str, pid: int, output: Path) -> PySpyRecording:
        argv = [py_spy, "record", "--pid", str(pid), "--rate", str(PY_SPY_RATE),
                "--nonblocking", "--function", "--format", "raw", "--output", str(output)]
        log = output.with_suffix(".log").open("wb")
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return cls(process, output)

    def stop(self, focus: str = "") -> str:
        """End the recording (py-spy writes its file on SIGINT); the summary text."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if not self.output.exists():
            log = self.output.with_suffix(".log")
            return f"py-spy wrote no profile; see {log}"
        return summarize_collapsed(self.output.read_text(), focus=focus)


def parse_collapsed(text: str) -> list[tuple[list[str], int]]:
    """Lines of `frame;frame;...;leaf COUNT` -> (frames root first, samples)."""
    stacks = []
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def top_functions(stacks: list[tuple[list[str], int]]) -> tuple[Counter, Counter, int]:
    """(self samples per frame, inclusive samples per frame, total samples)."""
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for frames, count in stacks:
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    return own, inclusive, total


def summarize_collapsed(text: str, top: int = TOP_FUNCTIONS, focus: str = "") -> str:
    """The `top` frames by own samples and by inclusive samples, as percentages.

    The inclusive list shows only frames whose text contains `focus` (say
    "closedserver/"), so the event loop and thread plumbing that is on every stack
    does not crowd out the server's own functions.
    """
    own, inclusive, total = top_functions(parse_collapsed(text))
    if total == 0:
        return "no samples"
    lines = [f"{total} samples", "", "by own time (the frame itself was running):"]
    lines += [f"  {count * 100 / total:5.1f}%  {frame}" for frame, count in own.most_common(top)]
    where = f" of frames in {focus!r}" if focus else ""
    lines += ["", f"by inclusive time{where} (the frame was on the stack):"]
    focused = [(frame, count) for frame, count in inclusive.most_common() if focus in frame]
    lines += [f"  {count * 100 / total:5.1f}%  {frame}" for frame, count in focused[:top]]
    return "\n".join(lines)


def pyinstrument_argv(server_argv: list[str], output: Path) -> list[str]:
    """The server's argv run under pyinstrument, from the venv the server lives in.

    `server_argv` is either a console script (`.venv/bin/closedserver run ...`) or
    `python -m module ...`; both become `python -m pyinstrument ... <the same>`.
    """
    first = Path(server_argv[0])
    python = first if server_argv[1:2] == ["-m"] else first.parent / "python"
    rest = server_argv[1:] if server_argv[1:2] == ["-m"] else server_argv
    return [str(python), "-m", "pyinstrument", "--renderer", "text", "--outfile", str(output),
            *rest]
