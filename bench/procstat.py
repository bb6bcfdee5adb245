"""What a server costs the machine, read from /proc: CPU time, memory, database size.

CPU is utime+stime of every process in the server's tree (plus the children it has
already reaped), in seconds. It is steadier than wall time on a shared machine.
Memory is the sum of VmRSS over the tree. Linux only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024
# (file name suffix) the SQLite files that hold a database: main file, WAL, rollback journal
SQLITE_SUFFIXES = (".db", ".db-wal", ".db-journal", ".sqlite", ".sqlite-wal", ".sqlite3",
                   ".sqlite3-wal")


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def parent_of(pid: int) -> int:
    return int(_stat_fields(pid)[1])


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants that are alive now."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(parent_of(int(entry.name)), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we looked
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def cpu_seconds_of(pid: int) -> float:
    """utime+stime of one process plus cutime+cstime of its reaped children."""
    fields = _stat_fields(pid)
    # fields[0] is state (stat field 3); utime..cstime are stat fields 14..17
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def rss_bytes_of(pid: int) -> int:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0  # a zombie has no VmRSS


def _sum_over_tree(root: int, measure) -> float:
    total = 0
    for pid in process_tree(root):
        try:
            total += measure(pid)
        except (OSError, ValueError, IndexError):
            continue
    return total


def tree_cpu_seconds(root: int) -> float:
    return _sum_over_tree(root, cpu_seconds_of)


def tree_rss_mib(root: int) -> float:
    return _sum_over_tree(root, rss_bytes_of) / MIB


def sqlite_files(data_dir: Path) -> Iterable[Path]:
    """The SQLite database files in a data dir and its direct subdirectories."""
    candidates = [*data_dir.glob("*"), *data_dir.glob("*/*")]
    return sorted(path for path in candidates
                  if path.is_file() and path.name.endswith(SQLITE_SUFFIXES))


def database_bytes(data_dir: Path) -> int:
    """Bytes on disk of all SQLite files (main file, WAL, journal) under `data_dir`."""
    total = 0
    for path in sqlite_files(data_dir):
        try:
            total += path.stat().st_size
        except FileNotFoundError:
            continue  # a journal that went away
    return total
