"""Registration tokens: created by admins, spent by `m.login.registration_token` sign-ups."""

from __future__ import annotations

import logging
import re

from closedserver.clock import now_ms
from closedserver.errors import InvalidParam, NotFound
from closedserver.randomness import random_string
from closedserver.storage.database import Database
from closedserver.storage.registration_tokens import RegistrationToken, RegistrationTokensStore

log = logging.getLogger(__name__)

# Spec: opaque identifier grammar, at most 64 characters.
_TOKEN = re.compile(r"^[A-Za-z0-9._~\-]{1,64}$")


class RegistrationTokens:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = RegistrationTokensStore(db)

    def create(self, *, token: str | None = None, uses_allowed: int | None = None,
               expires_in_ms: int | None = None) -> RegistrationToken:
        token = token or random_string(16)
        if not _TOKEN.match(token):
            raise InvalidParam("Tokens are 1-64 characters of A-Z, a-z, 0-9, '.', '_', '~', '-'")
        if uses_allowed is not None and uses_allowed < 1:
            raise InvalidParam("uses must be at least 1")
        now = now_ms()
        expiry = now + expires_in_ms if expires_in_ms is not None else None
        with self.db.transaction():
            if self.store.get_token(token) is not None:
                raise InvalidParam(f"Token {token} already exists")
            self.store.insert_token(token, uses_allowed, expiry, now)
        log.info("created registration token %s", token)
        return self.store.get_token(token)  # type: ignore[return-value]

    def list(self) -> list[RegistrationToken]:
        return self.store.list_tokens()

    def is_valid(self, token: str) -> bool:
        found = self.store.get_token(token)
        return found is not None and found.is_valid(now_ms())

    def spend(self, token: str) -> bool:
        """Spend one use inside the caller's transaction; False when no use is left."""
        return self.store.use_token(token, now_ms())

    def revoke(self, token: str) -> None:
        with self.db.transaction():
            if not self.store.delete_token(token):
                raise NotFound(f"No registration token {token}")
        log.info("revoked registration token %s", token)
