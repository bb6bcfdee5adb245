"""SQL for users (with their profile) and devices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from closedserver.storage.database import Database, next_stream_position

USER_COLUMNS = ("user_id, password_hash, is_admin, created_ts, deactivated, locked, suspended, "
                "profile")
DEVICE_COLUMNS = "user_id, device_id, display_name, created_ts, last_seen_ts, last_seen_ip"


@dataclass(frozen=True)
class User:
    user_id: str
    password_hash: str | None
    is_admin: bool
    created_ts: int
    deactivated: bool
    locked: bool
    suspended: bool
    profile: dict[str, Any]

    @property
    def displayname(self) -> str | None:
        return self.profile.get("displayname")

    @property
    def avatar_url(self) -> str | None:
        return self.profile.get("avatar_url")


@dataclass(frozen=True)
class Device:
    user_id: str
    device_id: str
    display_name: str | None
    created_ts: int
    last_seen_ts: int | None
    last_seen_ip: str | None


def _user(row: tuple) -> User:
    return User(row[0], row[1], bool(row[2]), row[3], bool(row[4]), bool(row[5]), bool(row[6]),
                orjson.loads(row[7]))


class AccountsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # users

    def get_user(self, user_id: str) -> User | None:
        row = self.db.conn.execute(
            f"SELECT {USER_COLUMNS} FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return _user(row) if row else None

    def user_exists(self, user_id: str) -> bool:
        return self.db.conn.execute(
            "SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone() is not None

    def list_users(self) -> list[User]:
        rows = self.db.conn.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY user_id")
        return [_user(row) for row in rows]

    def count_users(self, *, include_deactivated: bool = False) -> int:
        sql = "SELECT count(*) FROM users"
        if not include_deactivated:
            sql += " WHERE deactivated = 0"
        return self.db.conn.execute(sql).fetchone()[0]

    def insert_user(self, user_id: str, password_hash: str | None, *, is_admin: bool,
                    created_ts: int, profile: dict[str, Any]) -> None:
        self.db.conn.execute(
            "INSERT INTO users (user_id, password_hash, is_admin, created_ts, profile) "
            "VALUES (?, ?, ?, ?, ?)",
            (user_id, password_hash, int(is_admin), created_ts, orjson.dumps(profile).decode()))

    def update_password_hash(self, user_id: str, password_hash: str | None) -> None:
        self.db.conn.execute("UPDATE users SET password_hash = ? WHERE user_id = ?",
                             (password_hash, user_id))

    def update_flag(self, user_id: str, flag: str, value: bool) -> None:
        if flag not in ("is_admin", "locked", "suspended", "deactivated"):
            raise ValueError(f"not a user flag: {flag}")
        self.db.conn.execute(f"UPDATE users SET {flag} = ? WHERE user_id = ?",
                             (int(value), user_id))

    def get_profile(self, user_id: str) -> dict[str, Any] | None:
        row = self.db.conn.execute(
            "SELECT profile FROM users WHERE user_id = ?", (user_id,)).fetchone()
        return orjson.loads(row[0]) if row else None

    def update_profile(self, user_id: str, profile: dict[str, Any]) -> int:
        """Replace the whole profile object; returns the new profile stream position."""
        position = next_stream_position(self.db.conn)
        self.db.conn.execute(
            "UPDATE users SET profile = ?, profile_stream_id = ? WHERE user_id = ?",
            (orjson.dumps(profile).decode(), position, user_id))
        return position

    # devices

    def get_device(self, user_id: str, device_id: str) -> Device | None:
        row = self.db.conn.execute(
            f"SELECT {DEVICE_COLUMNS} FROM devices WHERE user_id = ? AND device_id = ?",
            (user_id, device_id)).fetchone()
        return Device(*row) if row else None

    def list_devices(self, user_id: str) -> list[Device]:
        rows = self.db.conn.execute(
            f"SELECT {DEVICE_COLUMNS} FROM devices WHERE user_id = ? "
            "ORDER BY created_ts, device_id", (user_id,))
        return [Device(*row) for row in rows]

    def insert_device(self, user_id: str, device_id: str, display_name: str | None,
                      created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO devices (user_id, device_id, display_name, created_ts) "
            "VALUES (?, ?, ?, ?)", (user_id, device_id, display_name, created_ts))

    def update_device_display_name(self, user_id: str, device_id: str,
                                   display_name: str | None) -> None:
        self.db.conn.execute(
            "UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?",
            (display_name, user_id, device_id))

    def update_last_seen(self, seen: list[tuple[int, str | None, str, str]]) -> None:
        """Batch-update (last_seen_ts, last_seen_ip, user_id, device_id) rows."""
        self.db.conn.executemany(
            "UPDATE devices SET last_seen_ts = ?, last_seen_ip = ? "
            "WHERE user_id = ? AND device_id = ?", seen)

    def delete_device(self, user_id: str, device_id: str) -> None:
        """Delete a device; its access and refresh tokens go with it (ON DELETE CASCADE)."""
        self.db.conn.execute("DELETE FROM devices WHERE user_id = ? AND device_id = ?",
                             (user_id, device_id))

    def delete_all_devices(self, user_id: str, *, except_device_id: str | None = None) -> None:
        self.db.conn.execute(
            "DELETE FROM devices WHERE user_id = ? AND device_id IS NOT ?",
            (user_id, except_device_id))
