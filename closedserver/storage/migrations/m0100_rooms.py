"""Migration 0100_rooms: Rooms: rooms, events, extremities, state groups, current state, members,
txn IDs, aliases, reports.
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
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
