"""SQL for devices' E2EE keys: identity (device) keys, one-time keys, fallback keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from closedserver.storage.database import Database


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True)
class StoredDeviceKeys:
    device_id: str
    keys: dict[str, Any]
    display_name: str | None


@dataclass(frozen=True)
class ClaimedKey:
    key_id: str  # "<algorithm>:<id>"
    key: Any
    fallback: bool


class DeviceKeysStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # device (identity) keys

    def get_device_keys(self, user_id: str, device_id: str) -> dict[str, Any] | None:
        row = self.db.conn.execute(
            "SELECT key_json FROM device_keys WHERE user_id = ? AND device_id = ?",
            (user_id, device_id)).fetchone()
        return orjson.loads(row[0]) if row else None

    def list_device_keys(self, user_id: str) -> list[StoredDeviceKeys]:
        """Every device of the user that has uploaded keys, with its display name."""
        rows = self.db.conn.execute(
            "SELECT k.device_id, k.key_json, d.display_name FROM device_keys k "
            "JOIN devices d USING (user_id, device_id) WHERE k.user_id = ? "
            "ORDER BY k.device_id", (user_id,))
        return [StoredDeviceKeys(row[0], orjson.loads(row[1]), row[2]) for row in rows]

    def upsert_device_keys(self, user_id: str, device_id: str, keys: dict[str, Any]) -> None:
        self.db.conn.execute(
            "INSERT INTO device_keys (user_id, device_id, key_json) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = excluded.key_json",
            (user_id, device_id, _dumps(keys)))

    # one-time keys

    def get_one_time_key(self, user_id: str, device_id: str, algorithm: str,
                         key_id: str) -> Any:
        """The stored key object (or string), or None when there is no such key."""
        row = self.db.conn.execute(
            "SELECT key_json FROM one_time_keys WHERE user_id = ? AND device_id = ? "
            "AND algorithm = ? AND key_id = ?", (user_id, device_id, algorithm, key_id)
        ).fetchone()
        return orjson.loads(row[0]) if row else None

    def insert_one_time_keys(self, user_id: str, device_id: str,
                             keys: list[tuple[str, str, Any]]) -> None:
        """Insert (algorithm, key_id, key) rows; an identical existing key is kept."""
        self.db.conn.executemany(
            "INSERT INTO one_time_keys (user_id, device_id, algorithm, key_id, key_json) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(user_id, device_id, algorithm, key_id, _dumps(key))
             for algorithm, key_id, key in keys])

    def count_one_time_keys(self, user_id: str, device_id: str) -> dict[str, int]:
        rows = self.db.conn.execute(
            "SELECT algorithm, count(*) FROM one_time_keys WHERE user_id = ? AND device_id = ? "
            "GROUP BY algorithm", (user_id, device_id))
        return dict(rows.fetchall())

    def delete_oldest_one_time_key(self, user_id: str, device_id: str,
                                   algorithm: str) -> ClaimedKey | None:
        """Take the oldest one-time key of the algorithm out of the store (claiming it)."""
        row = self.db.conn.execute(
            "DELETE FROM one_time_keys WHERE id = (SELECT id FROM one_time_keys "
            "WHERE user_id = ? AND device_id = ? AND algorithm = ? ORDER BY id LIMIT 1) "
            "RETURNING key_id, key_json", (user_id, device_id, algorithm)).fetchone()
        return ClaimedKey(f"{algorithm}:{row[0]}", orjson.loads(row[1]), False) if row else None

    # fallback keys

    def get_fallback_key(self, user_id: str, device_id: str,
                         algorithm: str) -> tuple[str, Any] | None:
        row = self.db.conn.execute(
            "SELECT key_id, key_json FROM fallback_keys WHERE user_id = ? AND device_id = ? "
            "AND algorithm = ?", (user_id, device_id, algorithm)).fetchone()
        return (row[0], orjson.loads(row[1])) if row else None

    def upsert_fallback_key(self, user_id: str, device_id: str, algorithm: str, key_id: str,
                            key: Any) -> None:
        """Store the device's fallback key for the algorithm, replacing any previous one."""
        self.db.conn.execute(
            "INSERT INTO fallback_keys (user_id, device_id, algorithm, key_id, key_json, used) "
            "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (user_id, device_id, algorithm) DO UPDATE "
            "SET key_id = excluded.key_id, key_json = excluded.key_json, used = 0",
            (user_id, device_id, algorithm, key_id, _dumps(key)))

    def mark_fallback_key_used(self, user_id: str, device_id: str,
                               algorithm: str) -> ClaimedKey | None:
        """Hand out the fallback key (it stays stored) and remember it was used."""
        row = self.db.conn.execute(
            "UPDATE fallback_keys SET used = 1 WHERE user_id = ? AND device_id = ? "
            "AND algorithm = ? RETURNING key_id, key_json", (user_id, device_id, algorithm)
        ).fetchone()
        return ClaimedKey(f"{algorithm}:{row[0]}", orjson.loads(row[1]), True) if row else None

    def list_unused_fallback_algorithms(self, user_id: str, device_id: str) -> list[str]:
        rows = self.db.conn.execute(
            "SELECT algorithm FROM fallback_keys WHERE user_id = ? AND device_id = ? "
            "AND used = 0 ORDER BY algorithm", (user_id, device_id))
        return [row[0] for row in rows]
