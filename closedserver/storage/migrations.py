"""Numbered schema migrations, applied in order at start-up and by `closedserver db migrate`.

Each migration has a unique name (`NNNN_topic`) and runs once, in its own transaction; the
names applied are recorded in `schema_migrations`. An applied migration is never edited: a
change to the schema is a new migration appended to MIGRATIONS.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from closedserver.storage.database import Database
from closedserver.storage.e2ee_schema import E2EE_KEYS_SCHEMA

Migration = Callable[[sqlite3.Connection], None]


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


def m0001_accounts(conn: sqlite3.Connection) -> None:
    execute_script(conn, """
    CREATE TABLE stream_position (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        position INTEGER NOT NULL
    );
    INSERT INTO stream_position (id, position) VALUES (1, 0);

    CREATE TABLE users (
        user_id TEXT PRIMARY KEY,
        password_hash TEXT,
        is_admin INTEGER NOT NULL DEFAULT 0,
        created_ts INTEGER NOT NULL,
        deactivated INTEGER NOT NULL DEFAULT 0,
        locked INTEGER NOT NULL DEFAULT 0,
        suspended INTEGER NOT NULL DEFAULT 0,
        profile TEXT NOT NULL DEFAULT '{}',
        profile_stream_id INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

    CREATE TABLE devices (
        user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        device_id TEXT NOT NULL,
        display_name TEXT,
        created_ts INTEGER NOT NULL,
        last_seen_ts INTEGER,
        last_seen_ip TEXT,
        PRIMARY KEY (user_id, device_id)
    ) WITHOUT ROWID;

    CREATE TABLE refresh_tokens (
        id INTEGER PRIMARY KEY,
        token_hash BLOB NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        next_token_id INTEGER REFERENCES refresh_tokens(id) ON DELETE SET NULL,
        FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id) ON DELETE CASCADE
    );
    CREATE INDEX refresh_tokens_device ON refresh_tokens(user_id, device_id);
    CREATE INDEX refresh_tokens_next ON refresh_tokens(next_token_id);

    CREATE TABLE access_tokens (
        id INTEGER PRIMARY KEY,
        token_hash BLOB NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        expires_ts INTEGER,
        refresh_token_id INTEGER REFERENCES refresh_tokens(id) ON DELETE CASCADE,
        used INTEGER NOT NULL DEFAULT 0,
        FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id) ON DELETE CASCADE
    );
    CREATE INDEX access_tokens_device ON access_tokens(user_id, device_id);
    CREATE INDEX access_tokens_refresh ON access_tokens(refresh_token_id);

    CREATE TABLE registration_tokens (
        token TEXT PRIMARY KEY,
        uses_allowed INTEGER,
        completed INTEGER NOT NULL DEFAULT 0,
        expiry_ts INTEGER,
        created_ts INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE account_data (
        user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
        room_id TEXT NOT NULL,
        type TEXT NOT NULL,
        content TEXT NOT NULL,
        stream_id INTEGER NOT NULL,
        PRIMARY KEY (user_id, room_id, type)
    ) WITHOUT ROWID;
    CREATE INDEX account_data_stream ON account_data(user_id, stream_id);
    """)


def m0400_e2ee_keys(conn: sqlite3.Connection) -> None:
    execute_script(conn, E2EE_KEYS_SCHEMA)


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_accounts", m0001_accounts),
    ("0400_e2ee_keys", m0400_e2ee_keys),
]


def applied_migrations(database: Database) -> set[str]:
    db = database.utils
    if "schema_migrations" not in db.table_names():
        return set()
    return {row["name"] for row in db["schema_migrations"].rows}


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
