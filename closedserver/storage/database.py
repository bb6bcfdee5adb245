"""The SQLite database: connection set-up, write transactions, stream positions, readers.

One connection serves the event loop. SQLite calls on it are short and synchronous, and a
write transaction never spans an `await`, so a transaction is atomic within the process;
`BEGIN IMMEDIATE` plus the busy timeout serialises it against other processes (the admin
CLI). Work that may be slow (exports, big scans) runs in a thread on its own reader
connection. `PRAGMA data_version` tells the server when another process has committed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 10_000
# Values bound in one `IN (...)` list: far below SQLite's limit on variables per statement.
IN_CHUNK = 500


def connect(path: Path | str, *, synchronous: str = "normal", readonly: bool = False,
            check_same_thread: bool = True) -> sqlite3.Connection:
    """Open a connection with our pragmas: WAL, foreign keys, busy timeout."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=check_same_thread, cached_statements=256)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=check_same_thread,
                               cached_statements=512)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    # 8 MiB of pages per connection: the OS page cache holds the rest of the file.
    conn.execute("PRAGMA cache_size = -8192")
    return conn


class Database:
    """The server's (or CLI's) handle on the SQLite file."""

    def __init__(self, path: Path | str, *, synchronous: str = "normal") -> None:
        self.path = Path(path)
        self.synchronous = synchronous
        # The event loop's connection. check_same_thread is off only so that start-up and
        # tests may open it on one thread and use it on another; it is never shared at once.
        self.conn = connect(self.path, synchronous=synchronous, check_same_thread=False)
        self._readers = threading.local()
        self._last_data_version = self.data_version()

    @property
    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils view of the same connection, for schema and admin queries.

        Imported on first use: the serving process rarely needs it (4 MiB less memory).
        """
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE). Re-entrant: an inner use joins the outer.

        Never `await` inside: the transaction must be one synchronous block.
        """
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def reader(self) -> sqlite3.Connection:
        """A read-only connection for the calling worker thread (one per thread, reused)."""
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = connect(self.path, readonly=True)
            self._readers.conn = conn
        return conn

    def data_version(self) -> int:
        """Changes whenever another connection (e.g. the admin CLI) commits."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def changed_elsewhere(self) -> bool:
        """True once after each commit by another connection since the last call."""
        version = self.data_version()
        changed = version != self._last_data_version
        self._last_data_version = version
        return changed

    def close(self) -> None:
        self.conn.close()


def next_stream_position(conn: sqlite3.Connection) -> int:
    """Allocate the next position of the server-wide stream (inside a write transaction).

    Every persisted change a client syncs (events, account data, receipts, to-device...)
    takes its position from this one counter, so a sync token is one number.
    """
    return conn.execute(
        "UPDATE stream_position SET position = position + 1 RETURNING position").fetchone()[0]


def current_stream_position(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT position FROM stream_position").fetchone()[0]


def in_chunks(values: Iterable[str]) -> Iterator[tuple[list[str], str]]:
    """The distinct values in slices of at most IN_CHUNK, each with its `?,?,...` marks: for
    `WHERE x IN (...)` queries over lists of any length."""
    distinct = list(dict.fromkeys(values))
    for start in range(0, len(distinct), IN_CHUNK):
        chunk = distinct[start:start + IN_CHUNK]
        yield chunk, ",".join("?" * len(chunk))
