"""SQL for registration tokens (spec: `m.login.registration_token`)."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database


@dataclass(frozen=True)
class RegistrationToken:
    token: str
    uses_allowed: int | None
    completed: int
    expiry_ts: int | None
    created_ts: int

    def is_valid(self, now_ms: int) -> bool:
        if self.expiry_ts is not None and now_ms >= self.expiry_ts:
            return False
        return self.uses_allowed is None or self.completed < self.uses_allowed


_COLUMNS = "token, uses_allowed, completed, expiry_ts, created_ts"


class RegistrationTokensStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_token(self, token: str) -> RegistrationToken | None:
        row = self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM registration_tokens WHERE token = ?", (token,)).fetchone()
        return RegistrationToken(*row) if row else None

    def list_tokens(self) -> list[RegistrationToken]:
        rows = self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM registration_tokens ORDER BY created_ts, token")
        return [RegistrationToken(*row) for row in rows]

    def insert_token(self, token: str, uses_allowed: int | None, expiry_ts: int | None,
                     created_ts: int) -> None:
        self.db.conn.execute(
            "INSERT INTO registration_tokens (token, uses_allowed, expiry_ts, created_ts) "
            "VALUES (?, ?, ?, ?)", (token, uses_allowed, expiry_ts, created_ts))

    def use_token(self, token: str, now_ms: int) -> bool:
        """Spend one use if the token is still valid; False when it is not (atomic)."""
        cur = self.db.conn.execute(
            "UPDATE registration_tokens SET completed = completed + 1 WHERE token = ? "
            "AND (uses_allowed IS NULL OR completed < uses_allowed) "
            "AND (expiry_ts IS NULL OR expiry_ts > ?)", (token, now_ms))
        return cur.rowcount == 1

    def delete_token(self, token: str) -> bool:
        cur = self.db.conn.execute("DELETE FROM registration_tokens WHERE token = ?", (token,))
        return cur.rowcount == 1
