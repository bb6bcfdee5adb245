"""Migration 0610_sync_receipts_by_stream: receipts by stream position."""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    """An index to read the receipts of a short /sync window by stream position (the
    receipts_stream index is per room: one seek per room the user is in)."""
    execute_script(conn, """
    CREATE INDEX receipts_by_stream ON receipts(stream_id);
    """)
