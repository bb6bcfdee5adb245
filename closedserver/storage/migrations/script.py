"""Running a multi-statement SQL script inside the migration's transaction."""

from __future__ import annotations

import sqlite3


def execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the current transaction.

    (sqlite3's executescript() would COMMIT first, breaking the migration's atomicity.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement!r}")
