"""Migration 0300_media: Media: metadata of uploads and thumbnails (the bytes are files)."""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
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
