"""Numbered schema migrations, applied in order at start-up and by `closedserver db migrate`.

Each migration is a module of this package (`mNNNN_topic.py` with a `migrate(conn)`
function), has a unique name, and runs once in its own transaction; the names applied are
recorded in `schema_migrations`. An applied migration is never edited: a change to the
schema is a new module appended to MIGRATIONS.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from closedserver.storage.database import Database
from closedserver.storage.migrations import (
    m0001_accounts,
    m0100_rooms,
    m0110_rooms_txn_scope,
    m0300_media,
    m0400_e2ee_keys,
    m0420_to_device_txn_scope,
    m0500_rooms_extras_thread_index,
    m0600_sync,
    m0610_sync_receipts_by_stream,
    m0700_push_notifications,
    m0800_admin_service_user_and_notices,
)

Migration = Callable[[sqlite3.Connection], None]


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_accounts", m0001_accounts.migrate),
    ("0100_rooms", m0100_rooms.migrate),
    ("0500_rooms_extras_thread_index", m0500_rooms_extras_thread_index.migrate),
    ("0300_media", m0300_media.migrate),
    ("0700_push_notifications", m0700_push_notifications.migrate),
    ("0400_e2ee_keys", m0400_e2ee_keys.migrate),
    ("0600_sync", m0600_sync.migrate),
    ("0800_admin_service_user_and_notices", m0800_admin_service_user_and_notices.migrate),
    ("0110_rooms_txn_scope", m0110_rooms_txn_scope.migrate),
    ("0610_sync_receipts_by_stream", m0610_sync_receipts_by_stream.migrate),
    ("0420_to_device_txn_scope", m0420_to_device_txn_scope.migrate),
]


def applied_migrations(database: Database) -> set[str]:
    conn = database.conn
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                    "AND name = 'schema_migrations'").fetchone() is None:
        return set()
    return {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}


def pending_migrations(database: Database) -> list[str]:
    done = applied_migrations(database)
    return [name for name, _ in MIGRATIONS if name not in done]


def migrate(database: Database) -> list[str]:
    """Apply every pending migration; return the names applied (empty when up to date)."""
    with database.transaction() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                     "(name TEXT PRIMARY KEY, applied_ts INTEGER NOT NULL)")
    applied = []
    for name, migration in MIGRATIONS:
        with database.transaction() as conn:
            # Re-check inside the write lock: a concurrent process may have applied it.
            if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?",
                            (name,)).fetchone():
                continue
            migration(conn)
            conn.execute("INSERT INTO schema_migrations (name, applied_ts) VALUES (?, ?)",
                         (name, int(time.time() * 1000)))
            applied.append(name)
    return applied
