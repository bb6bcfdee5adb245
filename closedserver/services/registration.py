"""Registration over HTTP, following the configured mode (disabled | token | open).

Spec: Client-Server API, "Account registration" with UIA stages `m.login.dummy` (open) and
`m.login.registration_token` (token). A token's use is spent in the same transaction that
creates the user, so two sign-ups can never spend its last use twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from closedserver.errors import Forbidden, Unauthorized, UserInUse
from closedserver.services.accounts import Accounts, LoginResult
from closedserver.services.ratelimit import RateLimiter
from closedserver.services.registration_tokens import RegistrationTokens
from closedserver.services.uia import (
    STAGE_DUMMY,
    STAGE_REGISTRATION_TOKEN,
    UiaSession,
    UserInteractiveAuth,
)


class Registration:
    def __init__(self, mode: str, accounts: Accounts, tokens: RegistrationTokens,
                 uia: UserInteractiveAuth, *, per_address: RateLimiter) -> None:
        self.mode = mode
        self.accounts = accounts
        self.tokens = tokens
        self.uia = uia
        self.per_address = per_address
        uia.register_stage(STAGE_REGISTRATION_TOKEN, self._check_token_stage)

    @property
    def flows(self) -> list[list[str]]:
        return [[STAGE_REGISTRATION_TOKEN]] if self.mode == "token" else [[STAGE_DUMMY]]

    def ensure_enabled(self) -> None:
        if self.mode == "disabled":
            raise Forbidden("Registration is disabled on this server: ask an admin to create "
                            "your account")

    async def register(self, *, kind: str, username: str | None, password: str | None,
                       auth: Any, device_id: str | None, device_name: str | None,
                       inhibit_login: bool, want_refresh: bool,
                       client_ip: str) -> LoginResult | str:
        """Run one /register round (UIA included); returns the login or the bare user ID."""
        if kind == "guest":
            raise Forbidden("Guest accounts are not supported on this server")
        self.ensure_enabled()
        self.per_address.check(client_ip)
        if username is not None:
            self._check_username(username)
        session = await self.uia.authenticate(auth, operation="register", flows=self.flows)
        localpart = username or self.accounts.generate_localpart()
        spend = self._spender(session) if self.mode == "token" else None
        return await self.accounts.register(
            localpart, password, device_id=device_id, device_name=device_name,
            inhibit_login=inhibit_login, want_refresh=want_refresh, spend_token=spend)

    def _check_username(self, username: str) -> None:
        if not self.accounts.is_available(username):
            raise UserInUse("That user ID is already taken")

    def _spender(self, session: UiaSession) -> Callable[[], None]:
        token = session.results["registration_token"]

        def spend() -> None:
            if not self.tokens.spend(token):
                raise Unauthorized("The registration token has been used up or has expired")

        return spend

    async def _check_token_stage(self, auth: dict[str, Any], session: UiaSession) -> None:
        token = auth.get("token")
        if not isinstance(token, str) or not self.tokens.is_valid(token):
            raise Unauthorized("Invalid registration token")
        session.results["registration_token"] = token

    def check_token_validity(self, token: str) -> bool:
        if self.mode != "token":
            raise Forbidden("This server does not accept registration tokens")
        return self.tokens.is_valid(token)
