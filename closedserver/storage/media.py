"""SQL for the media repository: one row per media ID, one per cached thumbnail.

A media row is *pending* (created by `/media/v1/create`, `sha256` NULL, `expires_ts` set)
until its content is uploaded. The bytes live in files named by their sha256 (see
services/media/blobs.py); several rows may share one file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from closedserver.storage.database import Database

_MEDIA_COLUMNS = ("media_id, user_id, created_ts, expires_ts, upload_ts, sha256, size, "
                  "content_type, filename, quarantined_ts, unauthenticated")


@dataclass(frozen=True)
class MediaRow:
    media_id: str
    user_id: str
    created_ts: int
    expires_ts: int | None
    upload_ts: int | None
    sha256: str | None
    size: int
    content_type: str | None
    filename: str | None
    quarantined_ts: int | None
    unauthenticated: bool

    @property
    def uploaded(self) -> bool:
        return self.sha256 is not None

    def expired(self, now_ms: int) -> bool:
        """A pending ID whose `unused_expires_at` has passed."""
        return not self.uploaded and self.expires_ts is not None and self.expires_ts <= now_ms


@dataclass(frozen=True)
class ThumbnailRow:
    sha256: str
    width: int
    height: int
    method: str
    animated: bool
    thumbnail_sha256: str
    content_type: str
    size: int


@dataclass(frozen=True)
class MediaTotals:
    media_count: int
    media_bytes: int
    pending_count: int
    quarantined_count: int
    distinct_files: int
    distinct_bytes: int
    thumbnail_count: int
    thumbnail_bytes: int


def _media(row: tuple | None) -> MediaRow | None:
    if row is None:
        return None
    return MediaRow(*row[:10], unauthenticated=bool(row[10]))


class MediaStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # media rows

    def get_media(self, media_id: str) -> MediaRow | None:
        row = self.db.conn.execute(
            f"SELECT {_MEDIA_COLUMNS} FROM media WHERE media_id = ?", (media_id,)).fetchone()
        return _media(row)

    def list_media(self, *, user_id: str | None = None, created_before: int | None = None,
                   limit: int | None = None) -> list[MediaRow]:
        """Media rows, newest first, optionally of one user or created before a time."""
        clauses, args = [], []
        if user_id is not None:
            clauses.append("user_id = ?")
            args.append(user_id)
        if created_before is not None:
            clauses.append("created_ts < ?")
            args.append(created_before)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        limit_sql = f"LIMIT {int(limit)}" if limit is not None else ""
        rows = self.db.conn.execute(
            f"SELECT {_MEDIA_COLUMNS} FROM media {where} "
            f"ORDER BY created_ts DESC, media_id {limit_sql}", args)
        return [_media(row) for row in rows]  # type: ignore[misc]

    def insert_pending(self, media_id: str, user_id: str, created_ts: int,
                       expires_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO media (media_id, user_id, created_ts, expires_ts) VALUES (?, ?, ?, ?)",
            (media_id, user_id, created_ts, expires_ts))

    def insert_uploaded(self, row: MediaRow) -> None:
        self.db.conn.execute(
            f"INSERT INTO media ({_MEDIA_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.media_id, row.user_id, row.created_ts, row.expires_ts, row.upload_ts,
             row.sha256, row.size, row.content_type, row.filename, row.quarantined_ts,
             int(row.unauthenticated)))

    def update_content(self, media_id: str, *, sha256: str, size: int, content_type: str,
                       filename: str | None, upload_ts: int, unauthenticated: bool) -> bool:
        """Give a pending row its content; False if it was not pending (already uploaded)."""
        cur = self.db.conn.execute(
            "UPDATE media SET sha256 = ?, size = ?, content_type = ?, filename = ?, "
            "upload_ts = ?, expires_ts = NULL, unauthenticated = ? "
            "WHERE media_id = ? AND sha256 IS NULL",
            (sha256, size, content_type, filename, upload_ts, int(unauthenticated), media_id))
        return cur.rowcount == 1

    def update_quarantined(self, media_id: str, quarantined_ts: int | None) -> bool:
        cur = self.db.conn.execute("UPDATE media SET quarantined_ts = ? WHERE media_id = ?",
                                   (quarantined_ts, media_id))
        return cur.rowcount == 1

    def delete_media(self, media_ids: Iterable[str]) -> list[str]:
        """Delete rows; returns the sha256 of each deleted row that had content."""
        hashes = []
        for media_id in media_ids:
            row = self.db.conn.execute("DELETE FROM media WHERE media_id = ? RETURNING sha256",
                                       (media_id,)).fetchone()
            if row is not None and row[0] is not None:
                hashes.append(row[0])
        return hashes

    def list_expired_pending(self, now_ms: int, user_id: str | None = None) -> list[str]:
        sql = "SELECT media_id FROM media WHERE sha256 IS NULL AND expires_ts <= ?"
        args: list[object] = [now_ms]
        if user_id is not None:
            sql += " AND user_id = ?"
            args.append(user_id)
        return [row[0] for row in self.db.conn.execute(sql, args)]

    def list_pending_expiries(self, user_id: str, now_ms: int) -> list[int]:
        """Expiry times of the user's pending (unexpired) IDs, soonest first."""
        rows = self.db.conn.execute(
            "SELECT expires_ts FROM media WHERE user_id = ? AND sha256 IS NULL "
            "AND expires_ts > ? ORDER BY expires_ts", (user_id, now_ms))
        return [row[0] for row in rows]

    def get_user_usage(self, user_id: str) -> int:
        """Bytes of content the user has uploaded (each media ID counted in full)."""
        return self.db.conn.execute(
            "SELECT COALESCE(SUM(size), 0) FROM media WHERE user_id = ? AND sha256 IS NOT NULL",
            (user_id,)).fetchone()[0]

    def is_blob_referenced(self, sha256: str) -> bool:
        """Does any media row or cached thumbnail still use the file with this hash?"""
        return self.db.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = ?) "
            "OR EXISTS (SELECT 1 FROM media_thumbnails WHERE thumbnail_sha256 = ?)",
            (sha256, sha256)).fetchone()[0] == 1

    def is_content_used(self, sha256: str) -> bool:
        return self.db.conn.execute("SELECT EXISTS (SELECT 1 FROM media WHERE sha256 = ?)",
                                    (sha256,)).fetchone()[0] == 1

    # thumbnails

    def get_thumbnail(self, sha256: str, width: int, height: int, method: str,
                      animated: bool) -> ThumbnailRow | None:
        row = self.db.conn.execute(
            "SELECT sha256, width, height, method, animated, thumbnail_sha256, content_type, "
            "size FROM media_thumbnails WHERE sha256 = ? AND width = ? AND height = ? "
            "AND method = ? AND animated = ?",
            (sha256, width, height, method, int(animated))).fetchone()
        if row is None:
            return None
        return ThumbnailRow(*row[:4], animated=bool(row[4]), thumbnail_sha256=row[5],
                            content_type=row[6], size=row[7])

    def insert_thumbnail(self, row: ThumbnailRow, created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT OR REPLACE INTO media_thumbnails (sha256, width, height, method, animated, "
            "thumbnail_sha256, content_type, size, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.sha256, row.width, row.height, row.method, int(row.animated),
             row.thumbnail_sha256, row.content_type, row.size, created_ts))

    def delete_thumbnails_of(self, sha256: str) -> list[str]:
        """Forget every thumbnail of one content; returns the thumbnails' file hashes."""
        rows = self.db.conn.execute(
            "DELETE FROM media_thumbnails WHERE sha256 = ? RETURNING thumbnail_sha256",
            (sha256,))
        return [row[0] for row in rows]

    # statistics

    def get_totals(self) -> MediaTotals:
        conn = self.db.conn
        count, size, pending, quarantined = conn.execute(
            "SELECT COUNT(sha256), COALESCE(SUM(size), 0), "
            "COUNT(*) - COUNT(sha256), COUNT(quarantined_ts) FROM media").fetchone()
        files, file_bytes = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM "
            "(SELECT sha256, MAX(size) AS size FROM media WHERE sha256 IS NOT NULL "
            "GROUP BY sha256)").fetchone()
        thumbs, thumb_bytes = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM media_thumbnails").fetchone()
        return MediaTotals(count, size, pending, quarantined, files, file_bytes, thumbs,
                           thumb_bytes)

    def list_top_users(self, limit: int) -> list[tuple[str, int, int]]:
        """(user_id, media count, bytes) of the users storing the most bytes."""
        rows = self.db.conn.execute(
            "SELECT user_id, COUNT(*), SUM(size) FROM media WHERE sha256 IS NOT NULL "
            "GROUP BY user_id ORDER BY SUM(size) DESC, user_id LIMIT ?", (limit,))
        return [tuple(row) for row in rows]  # type: ignore[misc]
