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


def m0100_rooms(conn: sqlite3.Connection) -> None:
    execute_script(conn, """
    CREATE TABLE rooms (
        room_id TEXT PRIMARY KEY,
        room_version TEXT NOT NULL,
        creator TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        room_type TEXT,
        federate INTEGER NOT NULL DEFAULT 1,
        is_public INTEGER NOT NULL DEFAULT 0,
        blocked INTEGER NOT NULL DEFAULT 0,
        current_state_group INTEGER,
        last_stream_ordering INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;

    -- Events in stream order: the rowid IS the server-wide stream position.
    CREATE TABLE events (
        stream_ordering INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL UNIQUE,
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        state_key TEXT,
        sender TEXT NOT NULL,
        depth INTEGER NOT NULL,
        origin_server_ts INTEGER NOT NULL,
        state_group INTEGER NOT NULL,
        replaces_state TEXT,
        redacted_by TEXT,
        relates_to TEXT,
        rel_type TEXT,
        aggregation_key TEXT,
        thread_id TEXT,
        contains_url INTEGER NOT NULL DEFAULT 0,
        json BLOB NOT NULL
    );
    CREATE INDEX events_room ON events(room_id, stream_ordering);
    CREATE INDEX events_relations ON events(relates_to, rel_type, stream_ordering)
        WHERE relates_to IS NOT NULL;
    CREATE INDEX events_room_ts ON events(room_id, origin_server_ts);

    CREATE TABLE room_extremities (
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        PRIMARY KEY (room_id, event_id)
    ) WITHOUT ROWID;

    -- State groups: a group is its prev_group plus its own entries (a delta), or a full
    -- snapshot when prev_group is NULL. Every event records the group of the state before it.
    CREATE TABLE state_groups (
        id INTEGER PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        prev_group INTEGER REFERENCES state_groups(id),
        chain_length INTEGER NOT NULL
    );
    CREATE INDEX state_groups_room ON state_groups(room_id);
    CREATE TABLE state_group_entries (
        group_id INTEGER NOT NULL REFERENCES state_groups(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        state_key TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (group_id, type, state_key)
    ) WITHOUT ROWID;

    CREATE TABLE current_state (
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        state_key TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (room_id, type, state_key)
    ) WITHOUT ROWID;

    -- Current membership of every user (local or not) in every room, for fast lookups.
    CREATE TABLE room_members (
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        user_id TEXT NOT NULL,
        membership TEXT NOT NULL,
        event_id TEXT NOT NULL,
        stream_ordering INTEGER NOT NULL,
        displayname TEXT,
        avatar_url TEXT,
        forgotten INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX room_members_user ON room_members(user_id, membership);
    CREATE INDEX room_members_stream ON room_members(user_id, stream_ordering);

    CREATE TABLE event_txn_ids (
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        txn_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        PRIMARY KEY (user_id, device_id, txn_id)
    ) WITHOUT ROWID;
    CREATE INDEX event_txn_ids_event ON event_txn_ids(event_id);

    CREATE TABLE room_aliases (
        alias TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        creator TEXT NOT NULL,
        created_ts INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX room_aliases_room ON room_aliases(room_id);

    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        room_id TEXT,
        event_id TEXT,
        target_user_id TEXT,
        reporter TEXT NOT NULL,
        reason TEXT,
        score INTEGER,
        created_ts INTEGER NOT NULL
    );
    """)


def m0500_rooms_extras_thread_index(conn: sqlite3.Connection) -> None:
    # GET /threads groups a room's m.thread replies by root, newest activity first.
    execute_script(conn, """
    CREATE INDEX events_thread_replies ON events(room_id, relates_to, stream_ordering)
        WHERE rel_type = 'm.thread';
    """)


def m0300_media(conn: sqlite3.Connection) -> None:
    """Media metadata; the bytes are files named by their sha256 under the media dir."""
    execute_script(conn, """
    CREATE TABLE media (
        media_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        expires_ts INTEGER,
        upload_ts INTEGER,
        sha256 TEXT,
        size INTEGER NOT NULL DEFAULT 0,
        content_type TEXT,
        filename TEXT,
        quarantined_ts INTEGER,
        unauthenticated INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE INDEX media_user ON media(user_id, created_ts);
    CREATE INDEX media_sha256 ON media(sha256);
    CREATE INDEX media_created ON media(created_ts);

    CREATE TABLE media_thumbnails (
        sha256 TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        method TEXT NOT NULL,
        animated INTEGER NOT NULL,
        thumbnail_sha256 TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_ts INTEGER NOT NULL,
        PRIMARY KEY (sha256, width, height, method, animated)
    ) WITHOUT ROWID;
    CREATE INDEX media_thumbnails_blob ON media_thumbnails(thumbnail_sha256);
    """)


def m0700_push_notifications(conn: sqlite3.Connection) -> None:
    execute_script(conn, """
    -- Each user's push rule document (matrix.push.PushRules.to_document()). `version`
    -- repeats the document's and only ever grows: caches of compiled rules key on it.
    CREATE TABLE push_rules (
        user_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        document TEXT NOT NULL
    ) WITHOUT ROWID;

    -- What push rule evaluation decided for one local user and one event, kept only when
    -- the event notifies or highlights. thread_id: the thread root; NULL = main timeline.
    -- A rowid table: one event's rows are appended together, so a message costs the
    -- page writes of the one per-user index only.
    CREATE TABLE push_actions (
        stream_ordering INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        thread_id TEXT,
        notify INTEGER NOT NULL,
        highlight INTEGER NOT NULL,
        actions TEXT NOT NULL
    );
    -- Unread counts and GET /notifications: per user and room, in stream order, covering
    -- every column counted.
    CREATE INDEX push_actions_user
        ON push_actions(user_id, room_id, stream_ordering, thread_id, notify, highlight);
    -- Delivery to pushers (new rows) and redactions (rows of one event).
    CREATE INDEX push_actions_stream ON push_actions(stream_ordering);

    -- The latest event each local user sent in each room: sending an event reads the
    -- room up to it, like an unthreaded read receipt.
    CREATE TABLE push_own_reads (
        user_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        stream_ordering INTEGER NOT NULL,
        PRIMARY KEY (user_id, room_id)
    ) WITHOUT ROWID;

    -- Pushers (POST /pushers/set): one per (user, app_id, pushkey). data is the JSON object
    -- the client gave (url included); pushkey_ts in milliseconds.
    CREATE TABLE pushers (
        user_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        pushkey TEXT NOT NULL,
        kind TEXT NOT NULL,
        app_display_name TEXT NOT NULL,
        device_display_name TEXT NOT NULL,
        profile_tag TEXT,
        lang TEXT NOT NULL,
        data TEXT NOT NULL,
        pushkey_ts INTEGER NOT NULL,
        PRIMARY KEY (user_id, app_id, pushkey)
    ) WITHOUT ROWID;
    CREATE INDEX pushers_key ON pushers(app_id, pushkey);
    """)


def m0400_e2ee_keys(conn: sqlite3.Connection) -> None:
    execute_script(conn, E2EE_KEYS_SCHEMA)


def m0600_sync(conn: sqlite3.Connection) -> None:
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


def m0800_admin_service_user_and_notices(conn: sqlite3.Connection) -> None:
    execute_script(conn, """
    -- Users the server itself acts as (the admin CLI's `@closedserver:SERVER`).
    CREATE TABLE service_users (
        user_id TEXT PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
        created_ts INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- Spec "Server Notices": exactly one server notices room per user; the user cannot
    -- reject its invite nor leave it.
    CREATE TABLE server_notice_rooms (
        user_id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL REFERENCES rooms(room_id) ON DELETE CASCADE,
        created_ts INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX server_notice_rooms_room ON server_notice_rooms(room_id);
    """)


MIGRATIONS: list[tuple[str, Migration]] = [
    ("0001_accounts", m0001_accounts),
    ("0100_rooms", m0100_rooms),
    ("0500_rooms_extras_thread_index", m0500_rooms_extras_thread_index),
    ("0300_media", m0300_media),
    ("0700_push_notifications", m0700_push_notifications),
    ("0400_e2ee_keys", m0400_e2ee_keys),
    ("0600_sync", m0600_sync),
    ("0800_admin_service_user_and_notices", m0800_admin_service_user_and_notices),
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
