"""SQL for server-side key backups: backup versions and the session keys in them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from closedserver.storage.database import Database


@dataclass(frozen=True)
class BackupVersion:
    version: int
    algorithm: str
    auth_data: dict[str, Any]
    etag: int
    deleted: bool


@dataclass(frozen=True)
class BackedUpSession:
    room_id: str
    session_id: str
    first_message_index: int
    forwarded_count: int
    is_verified: bool
    session_data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"first_message_index": self.first_message_index,
                "forwarded_count": self.forwarded_count, "is_verified": self.is_verified,
                "session_data": self.session_data}


_VERSION_COLUMNS = "version, algorithm, auth_data, etag, deleted"
_SESSION_COLUMNS = ("room_id, session_id, first_message_index, forwarded_count, is_verified, "
                    "session_data")


def _version(row: tuple) -> BackupVersion:
    return BackupVersion(row[0], row[1], orjson.loads(row[2]), row[3], bool(row[4]))


def _session(row: tuple) -> BackedUpSession:
    return BackedUpSession(row[0], row[1], row[2], row[3], bool(row[4]), orjson.loads(row[5]))


def _session_filter(room_id: str | None, session_id: str | None) -> tuple[str, tuple]:
    sql, args = "", ()
    if room_id is not None:
        sql, args = " AND room_id = ?", (room_id,)
        if session_id is not None:
            sql, args = sql + " AND session_id = ?", (room_id, session_id)
    return sql, args


class KeyBackupStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # versions

    def get_version(self, user_id: str, version: int) -> BackupVersion | None:
        row = self.db.conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM room_key_backups WHERE user_id = ? "
            "AND version = ?", (user_id, version)).fetchone()
        return _version(row) if row else None

    def get_latest_version(self, user_id: str) -> BackupVersion | None:
        """The newest backup that is not deleted: the one keys may be written to."""
        row = self.db.conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM room_key_backups WHERE user_id = ? "
            "AND deleted = 0 ORDER BY version DESC LIMIT 1", (user_id,)).fetchone()
        return _version(row) if row else None

    def insert_version(self, user_id: str, algorithm: str, auth_data: dict[str, Any]) -> int:
        """Create the next version (numbers are never reused, even after deletion)."""
        return self.db.conn.execute(
            "INSERT INTO room_key_backups (user_id, version, algorithm, auth_data) "
            "SELECT ?, coalesce(max(version), 0) + 1, ?, ? FROM room_key_backups "
            "WHERE user_id = ? RETURNING version",
            (user_id, algorithm, orjson.dumps(auth_data).decode(), user_id)).fetchone()[0]

    def update_auth_data(self, user_id: str, version: int, auth_data: dict[str, Any]) -> None:
        self.db.conn.execute(
            "UPDATE room_key_backups SET auth_data = ? WHERE user_id = ? AND version = ?",
            (orjson.dumps(auth_data).decode(), user_id, version))

    def mark_deleted(self, user_id: str, version: int) -> None:
        self.delete_sessions(user_id, version)
        self.db.conn.execute(
            "UPDATE room_key_backups SET deleted = 1 WHERE user_id = ? AND version = ?",
            (user_id, version))

    def bump_etag(self, user_id: str, version: int) -> None:
        self.db.conn.execute(
            "UPDATE room_key_backups SET etag = etag + 1 WHERE user_id = ? AND version = ?",
            (user_id, version))

    # session keys

    def count_sessions(self, user_id: str, version: int) -> int:
        return self.db.conn.execute(
            "SELECT count(*) FROM room_key_backup_sessions WHERE user_id = ? AND version = ?",
            (user_id, version)).fetchone()[0]

    def list_sessions(self, user_id: str, version: int, room_id: str | None = None,
                      session_id: str | None = None) -> list[BackedUpSession]:
        where, args = _session_filter(room_id, session_id)
        rows = self.db.conn.execute(
            f"SELECT {_SESSION_COLUMNS} FROM room_key_backup_sessions WHERE user_id = ? "
            f"AND version = ?{where} ORDER BY room_id, session_id", (user_id, version, *args))
        return [_session(row) for row in rows]

    def upsert_session(self, user_id: str, version: int, session: BackedUpSession) -> None:
        self.db.conn.execute(
            f"INSERT OR REPLACE INTO room_key_backup_sessions (user_id, version, "
            f"{_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, version, session.room_id, session.session_id,
             session.first_message_index, session.forwarded_count, int(session.is_verified),
             orjson.dumps(session.session_data).decode()))

    def delete_sessions(self, user_id: str, version: int, room_id: str | None = None,
                        session_id: str | None = None) -> int:
        where, args = _session_filter(room_id, session_id)
        return self.db.conn.execute(
            f"DELETE FROM room_key_backup_sessions WHERE user_id = ? AND version = ?{where}",
            (user_id, version, *args)).rowcount
