"""Migration 0500_rooms_extras_thread_index: An index for listing threads (GET /threads)."""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    # GET /threads groups a room's m.thread replies by root, newest activity first.
    execute_script(conn, """
    CREATE INDEX events_thread_replies ON events(room_id, relates_to, stream_ordering)
        WHERE rel_type = 'm.thread';
    """)
