"""Migration 0800_admin_service_user_and_notices: Admin: service users and server-notice rooms."""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
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
