"""Migration 0600_sync: Sync: receipts, presence, stored filters."""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    """Receipts, presence and stored filters (the /sync area)."""
    execute_script(conn, """
    -- One row per (room, receipt type, user, thread): the latest receipt. `thread_id` is ''
    -- for an unthreaded receipt. `stream_id` is the position of the last change.
    CREATE TABLE receipts (
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        receipt_type TEXT NOT NULL,
        user_id TEXT NOT NULL,
        thread_id TEXT NOT NULL DEFAULT '',
        event_id TEXT NOT NULL,
        event_stream_ordering INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        stream_id INTEGER NOT NULL,
        PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
    ) WITHOUT ROWID;
    CREATE INDEX receipts_stream ON receipts(room_id, stream_id);
    CREATE INDEX receipts_user ON receipts(user_id, room_id);

    -- The last persisted presence state per user (last-active times live in memory).
    CREATE TABLE presence (
        user_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        status_msg TEXT,
        last_active_ts INTEGER,
        stream_id INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX presence_stream ON presence(stream_id);

    CREATE TABLE filters (
        user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        filter_id INTEGER NOT NULL,
        filter_json TEXT NOT NULL,
        PRIMARY KEY (user_id, filter_id)
    ) WITHOUT ROWID;
    """)
