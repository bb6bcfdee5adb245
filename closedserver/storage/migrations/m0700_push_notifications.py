"""Migration 0700_push_notifications: Push: rules, notification actions, own-read markers, pushers.
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
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
