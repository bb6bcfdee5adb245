"""Accounts: creating users, passwords, login, and the admin's account controls.

Spec: Client-Server API, "Client Authentication" (login, registration, password management,
account deactivation, account locking). The HTTP endpoints and the admin CLI both call
these methods, so a user created either way is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from closedserver.clock import now_ms
from closedserver.errors import (
    BadJson,
    Forbidden,
    InvalidUsername,
    NotFound,
    UserDeactivated,
    UserInUse,
    UserLocked,
)
from closedserver.matrix.ids import is_valid_localpart_for_new_user
from closedserver.matrix.signing import ED25519
from closedserver.randomness import random_device_id
from closedserver.services.passwords import Passwords
from closedserver.services.ratelimit import RateLimiter
from closedserver.services.sessions import IssuedTokens, Sessions
from closedserver.services.uia import UiaSession
from closedserver.storage.account_data import AccountDataStore
from closedserver.storage.accounts import AccountsStore, Device, User
from closedserver.storage.cross_signing import CrossSigningStore
from closedserver.storage.database import Database

log = logging.getLogger(__name__)

# The server's own service user (the admin CLI acts as it); nobody else may take the name.
SERVICE_LOCALPART = "closedserver"



@dataclass(frozen=True)
class LoginResult:
    user_id: str
    device_id: str
    tokens: IssuedTokens


class Accounts:
    def __init__(self, db: Database, server_name: str, passwords: Passwords,
                 sessions: Sessions, *, login_per_user: RateLimiter) -> None:
        self.db = db
        self.server_name = server_name
        self.passwords = passwords
        self.sessions = sessions
        self.store = AccountsStore(db)
        self.cross_signing_keys = CrossSigningStore(db)
        self.login_per_user = login_per_user
        self.on_user_created: list[Callable[[str], None]] = []
        """Called with each new user ID inside the creating transaction."""
        # Called with a user ID inside each transaction that adds or removes devices of
        # that user (build_homeserver sets it to the E2EE device-list tracker).
        self.on_devices_changed: Callable[[str], object] = lambda user_id: None

    # user IDs

    def user_id_for(self, localpart: str) -> str:
        return f"@{localpart}:{self.server_name}"

    def is_local(self, user_id: str) -> bool:
        return user_id.endswith(":" + self.server_name) and user_id.startswith("@")

    def validate_new_localpart(self, localpart: str) -> str:
        """Check a wanted localpart; returns the full user ID or raises M_INVALID_USERNAME."""
        if not is_valid_localpart_for_new_user(localpart, self.server_name):
            raise InvalidUsername("User IDs may only contain a-z, 0-9, '.', '_', '=', '-', "
                                  "'/' and '+', and be at most 255 bytes long")
        return self.user_id_for(localpart)

    def resolve_user_id(self, user: str) -> str:
        """Accept `alice` or `@alice:server` (any case of localpart) and give the user ID."""
        if user.startswith("@"):
            localpart, _, server = user[1:].partition(":")
            if server != self.server_name:
                raise NotFound(f"{user} is not a user of this server ({self.server_name})")
            return self.user_id_for(localpart.lower())
        return self.user_id_for(user.lower())

    def get_user(self, user_id: str) -> User:
        user = self.store.get_user(user_id)
        if user is None:
            raise NotFound(f"No such user: {user_id}")
        return user

    def find_user(self, user: str) -> User:
        """Look a user up by `alice` or `@alice:server` (for the CLI and admin endpoints)."""
        return self.get_user(self.resolve_user_id(user))

    def is_available(self, localpart: str) -> bool:
        """Free to register: valid, unused, and not the server's service user."""
        user_id = self.validate_new_localpart(localpart)
        return localpart != SERVICE_LOCALPART and not self.store.user_exists(user_id)

    def generate_localpart(self) -> str:
        """A free numeric localpart for registrations that did not ask for a name."""
        number = self.store.count_users(include_deactivated=True) + 1
        while self.store.user_exists(self.user_id_for(str(number))):
            number += 1
        return str(number)

    # creating users

    async def create_user(self, localpart: str, password: str | None, *, admin: bool = False,
                          displayname: str | None = None) -> User:
        """Create a user (CLI path). Registration over HTTP uses `register`."""
        user_id = self.validate_new_localpart(localpart)
        if self.store.user_exists(user_id):
            raise UserInUse(f"{user_id} already exists")
        password_hash = await self._hash_new_password(password)
        with self.db.transaction():
            self._insert_user(user_id, password_hash, admin=admin, displayname=displayname)
        log.info("created user %s%s", user_id, " (admin)" if admin else "")
        return self.get_user(user_id)

    async def _hash_new_password(self, password: str | None) -> str | None:
        if password is None:
            return None
        self.passwords.check_strength(password)
        return await self.passwords.hash(password)

    def _insert_user(self, user_id: str, password_hash: str | None, *, admin: bool,
                     displayname: str | None) -> None:
        """Insert inside the caller's transaction; a concurrent twin gets M_USER_IN_USE."""
        if self.store.user_exists(user_id):
            raise UserInUse(f"{user_id} already exists")
        localpart = user_id[1:].split(":", 1)[0]
        profile = {"displayname": displayname or localpart}
        self.store.insert_user(user_id, password_hash, is_admin=admin, created_ts=now_ms(),
                               profile=profile)
        for hook in self.on_user_created:
            hook(user_id)

    async def register(self, localpart: str, password: str | None, *,
                       device_id: str | None, device_name: str | None, inhibit_login: bool,
                       want_refresh: bool,
                       spend_token: Callable[[], None] | None = None) -> LoginResult | str:
        """Create a user and (unless inhibit_login) log in a first device, atomically.

        `spend_token`, when given, is called inside the same transaction to spend a
        registration token use; it raises if the token is no longer valid.
        Returns the user ID alone when inhibit_login is set.
        """
        user_id = self.validate_new_localpart(localpart)
        password_hash = await self._hash_new_password(password)
        with self.db.transaction():
            if spend_token is not None:
                spend_token()
            self._insert_user(user_id, password_hash, admin=False, displayname=None)
            if inhibit_login:
                result: LoginResult | str = user_id
            else:
                result = self._start_session(user_id, device_id, device_name, want_refresh)
        log.info("registered user %s", user_id)
        return result

    # logging in

    async def login_with_password(self, user: str, password: str, *, device_id: str | None,
                                  device_name: str | None, want_refresh: bool) -> LoginResult:
        user_id = self.resolve_login_user(user)
        self.login_per_user.check(user_id)
        stored = self.store.get_user(user_id)
        ok = await self.passwords.verify(stored.password_hash if stored else None, password)
        if stored is None or not ok:
            raise Forbidden("Invalid username or password")
        if stored.deactivated:
            raise UserDeactivated("This account has been deactivated")
        if stored.locked:
            raise UserLocked()
        with self.db.transaction():
            result = self._start_session(user_id, device_id, device_name, want_refresh)
        log.info("login %s device %s", user_id, result.device_id)
        return result

    def resolve_login_user(self, user: str) -> str:
        try:
            return self.resolve_user_id(user)
        except NotFound:
            raise Forbidden("Invalid username or password") from None

    async def check_password(self, user_id: str, password: str) -> bool:
        stored = self.store.get_user(user_id)
        ok = await self.passwords.verify(stored.password_hash if stored else None, password)
        return stored is not None and ok and not stored.deactivated

    async def password_stage(self, auth: dict[str, Any], session: UiaSession) -> None:
        """UIA `m.login.password`: the session's own user proves their password."""
        user = login_identifier_user(auth)
        if user is None or not isinstance(auth.get("password"), str):
            raise BadJson("m.login.password needs an m.id.user identifier and a password")
        if session.user_id is None or self.resolve_login_user(user) != session.user_id:
            raise Forbidden("You can only authenticate as yourself")
        if not await self.check_password(session.user_id, auth["password"]):
            raise Forbidden("Invalid password")

    def _start_session(self, user_id: str, device_id: str | None, device_name: str | None,
                       want_refresh: bool) -> LoginResult:
        """Create or reuse the device and issue its tokens (inside a transaction)."""
        if device_id is not None and self._is_cross_signing_key(user_id, device_id):
            # Spec (login 403; E2EE "Cross-signing"): device IDs must not collide with
            # cross-signing public keys, which verification treats as device IDs.
            raise Forbidden("This device ID is one of your cross-signing keys")
        if device_id is not None and self.store.get_device(user_id, device_id) is not None:
            # Spec: logging in with a known device ID invalidates its previous tokens.
            self.sessions.store.delete_access_tokens_of_device(user_id, device_id)
        else:
            device_id = device_id or random_device_id()
            self.store.insert_device(user_id, device_id, device_name, now_ms())
            self.on_devices_changed(user_id)
        tokens = self.sessions.issue_tokens(user_id, device_id, want_refresh=want_refresh)
        return LoginResult(user_id, device_id, tokens)

    def _is_cross_signing_key(self, user_id: str, device_id: str) -> bool:
        """Is `device_id` a cross-signing public key of the user, bare or as its key ID?"""
        public_key = device_id.removeprefix(f"{ED25519}:")
        return self.cross_signing_keys.is_public_key(user_id, public_key)

    # changing accounts

    async def set_password(self, user_id: str, new_password: str, *,
                           logout_devices: bool, keep_device_id: str | None = None) -> None:
        """Change a password; optionally log out every other device (all when CLI resets)."""
        self.get_user(user_id)
        password_hash = await self._hash_new_password(new_password)
        with self.db.transaction():
            self.store.update_password_hash(user_id, password_hash)
            if logout_devices:
                self.store.delete_all_devices(user_id, except_device_id=keep_device_id)
                self.on_devices_changed(user_id)
        log.info("password changed for %s%s", user_id,
                 " (other sessions logged out)" if logout_devices else "")

    def set_admin(self, user_id: str, admin: bool) -> None:
        self.get_user(user_id)
        with self.db.transaction():
            self.store.update_flag(user_id, "is_admin", admin)
        log.info("%s is %s an admin", user_id, "now" if admin else "no longer")

    def set_locked(self, user_id: str, locked: bool) -> None:
        self._ensure_active(user_id)
        with self.db.transaction():
            self.store.update_flag(user_id, "locked", locked)
        log.info("%s %s", user_id, "locked" if locked else "unlocked")

    def set_suspended(self, user_id: str, suspended: bool) -> None:
        self._ensure_active(user_id)
        with self.db.transaction():
            self.store.update_flag(user_id, "suspended", suspended)
        log.info("%s %s", user_id, "suspended" if suspended else "unsuspended")

    def _ensure_active(self, user_id: str) -> User:
        user = self.get_user(user_id)
        if user.deactivated:
            raise UserDeactivated(f"{user_id} is deactivated")
        return user

    def deactivate(self, user_id: str, *, erase: bool = False) -> None:
        """Permanently deactivate: tokens and devices revoked, password and profile erased.

        With `erase`, the user's account data goes too (spec: erasure of non-event data).
        """
        self.get_user(user_id)
        with self.db.transaction():
            self.store.delete_all_devices(user_id)
            self.on_devices_changed(user_id)
            self.store.update_password_hash(user_id, None)
            self.store.update_flag(user_id, "deactivated", True)
            self.store.update_profile(user_id, {})
            if erase:
                AccountDataStore(self.db).delete_account_data_of_user(user_id)
        log.info("deactivated %s%s", user_id, " and erased its data" if erase else "")

    # devices

    def list_devices(self, user_id: str) -> list[Device]:
        return [self._with_last_seen(d) for d in self.store.list_devices(user_id)]

    def get_device(self, user_id: str, device_id: str) -> Device:
        device = self.store.get_device(user_id, device_id)
        if device is None:
            raise NotFound(f"No device {device_id} for {user_id}")
        return self._with_last_seen(device)

    def _with_last_seen(self, device: Device) -> Device:
        pending = self.sessions.pending_last_seen(device.user_id, device.device_id)
        if pending is None:
            return device
        return replace(device, last_seen_ts=pending[0], last_seen_ip=pending[1])

    def rename_device(self, user_id: str, device_id: str, display_name: str | None) -> None:
        """Set a device's display name; None leaves it unchanged (404 for unknown devices)."""
        self.get_device(user_id, device_id)
        if display_name is None:
            return
        with self.db.transaction():
            self.store.update_device_display_name(user_id, device_id, display_name)

    def delete_devices(self, user_id: str, device_ids: list[str]) -> None:
        """Delete devices (and so their tokens); unknown IDs are ignored, as the spec says."""
        with self.db.transaction():
            for device_id in device_ids:
                self.store.delete_device(user_id, device_id)
            if device_ids:
                self.on_devices_changed(user_id)
        if device_ids:
            log.info("deleted devices %s of %s", ", ".join(device_ids), user_id)

    def logout_all(self, user_id: str) -> None:
        with self.db.transaction():
            self.store.delete_all_devices(user_id)
            self.on_devices_changed(user_id)
        log.info("logged out every device of %s", user_id)


def login_identifier_user(body: dict[str, Any]) -> str | None:
    """The user named by an `m.id.user` identifier, or by the deprecated top-level `user`."""
    identifier = body.get("identifier")
    if isinstance(identifier, dict):
        if identifier.get("type") != "m.id.user":
            return None
        user = identifier.get("user")
    else:
        user = body.get("user")
    return user if isinstance(user, str) and user else None
