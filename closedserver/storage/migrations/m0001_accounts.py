"""Migration 0001_accounts: Accounts: the stream counter, users, devices, tokens, registration
tokens, account data.
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
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
