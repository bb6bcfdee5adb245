"""SQL for pushers (POST /pushers/set): one row per (user, app_id, pushkey)."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database

PUSHER_COLUMNS = ("user_id, app_id, pushkey, kind, app_display_name, device_display_name, "
                  "profile_tag, lang, data, pushkey_ts")


@dataclass(frozen=True, slots=True)
class PusherRow:
    user_id: str
    app_id: str
    pushkey: str
    kind: str
    app_display_name: str
    device_display_name: str
    profile_tag: str | None
    lang: str
    data: str
    """The pusher's `data` object as JSON text (with `url`)."""
    pushkey_ts: int
    """When the pushkey was last set, in milliseconds."""


class PushersStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def upsert_pusher(self, row: PusherRow) -> None:
        self.db.conn.execute(
            f"INSERT INTO pushers ({PUSHER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id, app_id, pushkey) DO UPDATE SET kind = excluded.kind, "
            "app_display_name = excluded.app_display_name, "
            "device_display_name = excluded.device_display_name, "
            "profile_tag = excluded.profile_tag, lang = excluded.lang, data = excluded.data, "
            "pushkey_ts = excluded.pushkey_ts",
            (row.user_id, row.app_id, row.pushkey, row.kind, row.app_display_name,
             row.device_display_name, row.profile_tag, row.lang, row.data, row.pushkey_ts))

    def get_pusher(self, user_id: str, app_id: str, pushkey: str) -> PusherRow | None:
        row = self.db.conn.execute(
            f"SELECT {PUSHER_COLUMNS} FROM pushers WHERE user_id = ? AND app_id = ? "
            "AND pushkey = ?", (user_id, app_id, pushkey)).fetchone()
        return PusherRow(*row) if row else None

    def list_pushers(self, user_id: str) -> list[PusherRow]:
        return [PusherRow(*row) for row in self.db.conn.execute(
            f"SELECT {PUSHER_COLUMNS} FROM pushers WHERE user_id = ? ORDER BY app_id, pushkey",
            (user_id,))]

    def list_user_ids_with_pushers(self) -> set[str]:
        return {row[0] for row in self.db.conn.execute("SELECT DISTINCT user_id FROM pushers")}

    def delete_pusher(self, user_id: str, app_id: str, pushkey: str) -> bool:
        cursor = self.db.conn.execute(
            "DELETE FROM pushers WHERE user_id = ? AND app_id = ? AND pushkey = ?",
            (user_id, app_id, pushkey))
        return cursor.rowcount > 0

    def delete_pushers_of_others(self, user_id: str, app_id: str, pushkey: str) -> int:
        """Remove the same (app_id, pushkey) registered by other users."""
        return self.db.conn.execute(
            "DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id != ?",
            (app_id, pushkey, user_id)).rowcount

    def delete_pushers_of_user(self, user_id: str) -> int:
        return self.db.conn.execute("DELETE FROM pushers WHERE user_id = ?",
                                    (user_id,)).rowcount
