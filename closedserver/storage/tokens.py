"""SQL for access tokens and refresh tokens (stored only as SHA-256 hashes)."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database


@dataclass(frozen=True)
class AccessTokenInfo:
    """What one access-token lookup returns: the token and the state of its user."""

    token_id: int
    user_id: str
    device_id: str
    expires_ts: int | None
    refresh_token_id: int | None
    used: bool
    is_admin: bool
    deactivated: bool
    locked: bool
    suspended: bool


@dataclass(frozen=True)
class RefreshTokenInfo:
    token_id: int
    user_id: str
    device_id: str
    next_token_id: int | None


class TokensStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get_access_token(self, token_hash: bytes) -> AccessTokenInfo | None:
        row = self.db.conn.execute(
            "SELECT t.id, t.user_id, t.device_id, t.expires_ts, t.refresh_token_id, t.used, "
            "u.is_admin, u.deactivated, u.locked, u.suspended "
            "FROM access_tokens t JOIN users u ON u.user_id = t.user_id "
            "WHERE t.token_hash = ?", (token_hash,)).fetchone()
        if row is None:
            return None
        return AccessTokenInfo(row[0], row[1], row[2], row[3], row[4], bool(row[5]),
                               bool(row[6]), bool(row[7]), bool(row[8]), bool(row[9]))

    def insert_access_token(self, token_hash: bytes, user_id: str, device_id: str, *,
                            created_ts: int, expires_ts: int | None,
                            refresh_token_id: int | None) -> int:
        cur = self.db.conn.execute(
            "INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts, expires_ts, "
            "refresh_token_id) VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash, user_id, device_id, created_ts, expires_ts, refresh_token_id))
        return cur.lastrowid

    def mark_access_token_used(self, token_id: int) -> None:
        self.db.conn.execute("UPDATE access_tokens SET used = 1 WHERE id = ?", (token_id,))

    def delete_access_tokens_of_device(self, user_id: str, device_id: str) -> None:
        self.db.conn.execute("DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?",
                             (user_id, device_id))

    def get_refresh_token(self, token_hash: bytes) -> RefreshTokenInfo | None:
        row = self.db.conn.execute(
            "SELECT id, user_id, device_id, next_token_id FROM refresh_tokens "
            "WHERE token_hash = ?", (token_hash,)).fetchone()
        return RefreshTokenInfo(*row) if row else None

    def insert_refresh_token(self, token_hash: bytes, user_id: str, device_id: str,
                             created_ts: int) -> int:
        cur = self.db.conn.execute(
            "INSERT INTO refresh_tokens (token_hash, user_id, device_id, created_ts) "
            "VALUES (?, ?, ?, ?)", (token_hash, user_id, device_id, created_ts))
        return cur.lastrowid

    def delete_refresh_token(self, token_id: int) -> None:
        self.db.conn.execute("DELETE FROM refresh_tokens WHERE id = ?", (token_id,))

    def set_next_refresh_token(self, token_id: int, next_token_id: int) -> None:
        self.db.conn.execute("UPDATE refresh_tokens SET next_token_id = ? WHERE id = ?",
                             (next_token_id, token_id))

    def delete_refresh_tokens_before(self, next_token_id: int) -> None:
        """Revoke the refresh tokens (and their access tokens) replaced by `next_token_id`."""
        self.db.conn.execute("DELETE FROM refresh_tokens WHERE next_token_id = ?",
                             (next_token_id,))
