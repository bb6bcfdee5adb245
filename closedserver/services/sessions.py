"""Sessions: issuing, checking, refreshing and revoking access tokens.

Spec: Client-Server API, "Client Authentication" (access tokens, refresh tokens, soft
logout, account locking). Tokens carry 256 random bits; only their SHA-256 is stored.
Every request looks its token up in SQLite (one indexed query), so a logout or lock made
by the admin CLI in another process takes effect on the very next request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from closedserver.clock import now_ms
from closedserver.errors import UnknownToken, UserLocked, UserSuspended
from closedserver.randomness import random_secret
from closedserver.storage.accounts import AccountsStore
from closedserver.storage.database import Database
from closedserver.storage.tokens import TokensStore


@dataclass(frozen=True)
class Requester:
    """The authenticated user and device behind a request."""

    user_id: str
    device_id: str
    is_admin: bool
    suspended: bool = False

    def require_not_suspended(self) -> None:
        """Spec (account suspension): suspended users may read, leave and redact their own
        events, but not join, invite, send or change their profile."""
        if self.suspended:
            raise UserSuspended("You cannot do this while your account is suspended")


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str | None
    expires_in_ms: int | None


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class Sessions:
    def __init__(self, db: Database, *, refreshable_token_lifetime_ms: int | None) -> None:
        self.db = db
        self.store = TokensStore(db)
        self.accounts = AccountsStore(db)
        self.refreshable_token_lifetime_ms = refreshable_token_lifetime_ms
        # (user_id, device_id) -> (last seen ms, ip); flushed to SQLite in batches.
        self._last_seen: dict[tuple[str, str], tuple[int, str | None]] = {}

    def authenticate(self, access_token: str, *, allow_locked: bool = False,
                     client_ip: str | None = None) -> Requester:
        """Resolve an access token or raise M_UNKNOWN_TOKEN / M_USER_LOCKED."""
        info = self.store.get_access_token(token_hash(access_token))
        if info is None or info.deactivated:
            raise UnknownToken()
        now = now_ms()
        if info.expires_ts is not None and now >= info.expires_ts:
            raise UnknownToken("Access token has expired", soft_logout=True)
        if info.locked and not allow_locked:
            raise UserLocked()
        if not info.used and info.refresh_token_id is not None:
            self._first_use_of_refreshed_token(info.token_id, info.refresh_token_id)
        self._last_seen[(info.user_id, info.device_id)] = (now, client_ip)
        return Requester(info.user_id, info.device_id, info.is_admin, info.suspended)

    def _first_use_of_refreshed_token(self, token_id: int, refresh_token_id: int) -> None:
        # Spec: the old refresh token stays valid until the new access token is used.
        with self.db.transaction():
            self.store.mark_access_token_used(token_id)
            self.store.delete_refresh_tokens_before(refresh_token_id)

    def issue_tokens(self, user_id: str, device_id: str, *, want_refresh: bool) -> IssuedTokens:
        """Create an access token (and a refresh token if asked and configured).

        Call inside the caller's write transaction, so the device and its first token are
        created together.
        """
        now = now_ms()
        lifetime = self.refreshable_token_lifetime_ms if want_refresh else None
        refresh_token = refresh_token_id = None
        if lifetime is not None:
            refresh_token = random_secret("csr_")
            refresh_token_id = self.store.insert_refresh_token(
                token_hash(refresh_token), user_id, device_id, now)
        access_token = random_secret("cs_")
        self.store.insert_access_token(
            token_hash(access_token), user_id, device_id, created_ts=now,
            expires_ts=now + lifetime if lifetime is not None else None,
            refresh_token_id=refresh_token_id)
        return IssuedTokens(access_token, refresh_token, lifetime)

    def refresh(self, refresh_token: str) -> IssuedTokens:
        """Exchange a refresh token for a new access + refresh token pair."""
        with self.db.transaction():
            old = self.store.get_refresh_token(token_hash(refresh_token))
            if old is None:
                raise UnknownToken("Unknown or already used refresh token")
            user = self.accounts.get_user(old.user_id)
            if user is None or user.deactivated:
                raise UnknownToken("Unknown or already used refresh token")
            if user.locked:
                raise UserLocked()
            if old.next_token_id is not None:
                # The client lost the previous answer and retries: drop that unused pair.
                self.store.delete_refresh_token(old.next_token_id)
            issued = self.issue_tokens(old.user_id, old.device_id, want_refresh=True)
            new = self.store.get_refresh_token(token_hash(issued.refresh_token or ""))
            if new is not None:
                self.store.set_next_refresh_token(old.token_id, new.token_id)
        return issued

    def pending_last_seen(self, user_id: str, device_id: str) -> tuple[int, str | None] | None:
        """The last-seen time and address not yet written to the database, if any."""
        return self._last_seen.get((user_id, device_id))

    def flush_last_seen(self) -> None:
        """Write the batched last-seen times (called by a background task)."""
        if not self._last_seen:
            return
        rows = [(ts, ip, user_id, device_id)
                for (user_id, device_id), (ts, ip) in self._last_seen.items()]
        self._last_seen.clear()
        with self.db.transaction():
            self.accounts.update_last_seen(rows)
