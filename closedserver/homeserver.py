"""build_homeserver(config): storage -> services, wired explicitly, in order.

The HTTP app and the admin CLI build the same HomeServer, so both run the same services
against the same SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from closedserver.config import Config
from closedserver.services.account_data import AccountData
from closedserver.services.accounts import Accounts
from closedserver.services.e2ee.cross_signing import CrossSigning
from closedserver.services.e2ee.device_keys import DeviceKeys
from closedserver.services.e2ee.device_lists import DeviceLists
from closedserver.services.e2ee.key_backup import KeyBackup
from closedserver.services.e2ee.to_device import ToDevice
from closedserver.services.notifier import Notifier
from closedserver.services.passwords import Passwords
from closedserver.services.profile import Profiles
from closedserver.services.ratelimit import RateLimiter
from closedserver.services.registration import Registration
from closedserver.services.registration_tokens import RegistrationTokens
from closedserver.services.sessions import Sessions
from closedserver.services.uia import STAGE_PASSWORD, UserInteractiveAuth
from closedserver.storage.database import Database
from closedserver.storage.migrations import migrate

log = logging.getLogger(__name__)

DATA_VERSION_POLL_S = 0.25
LAST_SEEN_FLUSH_S = 10.0


@dataclass
class HomeServer:
    config: Config
    db: Database
    notifier: Notifier
    sessions: Sessions
    uia: UserInteractiveAuth
    accounts: Accounts
    registration: Registration
    registration_tokens: RegistrationTokens
    profiles: Profiles
    account_data: AccountData
    login_per_address: RateLimiter
    device_lists: DeviceLists
    keys: DeviceKeys
    cross_signing: CrossSigning
    to_device: ToDevice
    key_backup: KeyBackup
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def server_name(self) -> str:
        return self.config.server.server_name

    async def start_background_tasks(self) -> None:
        self._tasks.append(asyncio.create_task(self._watch_other_writers()))
        self._tasks.append(asyncio.create_task(self._flush_last_seen()))

    async def stop_background_tasks(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self.sessions.flush_last_seen()

    async def _watch_other_writers(self) -> None:
        """Notice commits by other processes (the admin CLI) and wake parked requests."""
        while True:
            await asyncio.sleep(DATA_VERSION_POLL_S)
            if self.db.changed_elsewhere():
                self.notifier.notify_all()

    async def _flush_last_seen(self) -> None:
        while True:
            await asyncio.sleep(LAST_SEEN_FLUSH_S)
            try:
                self.sessions.flush_last_seen()
            except Exception:
                log.exception("could not record devices' last-seen times")

    def close(self) -> None:
        self.db.close()


def build_homeserver(config: Config, *, apply_migrations: bool = True) -> HomeServer:
    db = Database(config.database_path, synchronous=config.database.synchronous)
    if apply_migrations:
        applied = migrate(db)
        if applied:
            log.info("applied database migrations: %s", ", ".join(applied))
    rates = config.rate_limits
    notifier = Notifier()
    sessions = Sessions(db, refreshable_token_lifetime_ms=config.access_token_lifetime_ms)
    passwords = Passwords(config.passwords)
    accounts = Accounts(db, config.server.server_name, passwords, sessions,
                        login_per_user=RateLimiter(rates.rate("login_per_user")))
    uia = UserInteractiveAuth()
    uia.register_stage(STAGE_PASSWORD, accounts.password_stage)
    registration_tokens = RegistrationTokens(db)
    registration = Registration(
        config.registration.mode, accounts, registration_tokens, uia,
        per_address=RateLimiter(rates.rate("registration_per_address")))
    server_name = config.server.server_name
    device_lists = DeviceLists(db, notifier)
    accounts.on_devices_changed = device_lists.note_device_change
    cross_signing = CrossSigning(db, server_name, device_lists)
    return HomeServer(
        config=config, db=db, notifier=notifier, sessions=sessions, uia=uia,
        accounts=accounts, registration=registration, registration_tokens=registration_tokens,
        profiles=Profiles(db), account_data=AccountData(db),
        login_per_address=RateLimiter(rates.rate("login_per_address")),
        device_lists=device_lists,
        keys=DeviceKeys(db, server_name, device_lists, cross_signing),
        cross_signing=cross_signing, to_device=ToDevice(db, server_name, notifier),
        key_backup=KeyBackup(db))
