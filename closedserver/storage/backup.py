"""Copying and checking SQLite database files (SQLite's online backup API).

The copy holds one read transaction on the source for its whole length, so every backup
step reads the same snapshot: the copy is consistent, and writers (the running server) are
never blocked (WAL mode) and never force the backup to restart.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from closedserver.storage.database import BUSY_TIMEOUT_MS

PAGES_PER_STEP = 1024


def copy_database(source: Path, target: Path,
                  progress: Callable[[int, int], None] = lambda done, total: None) -> None:
    """Copy a live database file to `target` (which must not exist); progress(done, total)
    counts pages."""
    src = sqlite3.connect(source, isolation_level=None)
    dst = sqlite3.connect(target, isolation_level=None)
    try:
        src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # pins the snapshot
        src.backup(dst, pages=PAGES_PER_STEP,
                   progress=lambda _status, remaining, total: progress(total - remaining,
                                                                        total))
        src.execute("COMMIT")
    finally:
        dst.close()
        src.close()


def integrity_problems(path: Path) -> list[str]:
    """PRAGMA integrity_check of a database file (empty when sound)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def applied_migration_names(path: Path) -> list[str]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return [row[0] for row in conn.execute(
            "SELECT name FROM schema_migrations ORDER BY name")]
    finally:
        conn.close()


def database_bytes(path: Path) -> int:
    """Size on disk of a database with its WAL and shared-memory files."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal"),
                                          path.with_name(path.name + "-shm")) if p.exists())
