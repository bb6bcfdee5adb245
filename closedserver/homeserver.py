"""build_homeserver(config): storage -> services, wired explicitly, in order.

The HTTP app and the admin CLI build the same HomeServer, so both run the same services
against the same SQLite file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from closedserver.config import Config, parse_duration_ms
from closedserver.matrix.signing import SigningKey, load_signing_keys
from closedserver.services.account_data import AccountData
from closedserver.services.accounts import Accounts
from closedserver.services.deactivation import Deactivation
from closedserver.services.e2ee.cross_signing import CrossSigning
from closedserver.services.e2ee.device_keys import DeviceKeys
from closedserver.services.e2ee.device_lists import DeviceLists
from closedserver.services.e2ee.key_backup import KeyBackup
from closedserver.services.e2ee.to_device import ToDevice
from closedserver.services.event_cache import EventCache
from closedserver.services.filters import Filters
from closedserver.services.media import MediaServices, build_media_services
from closedserver.services.notifier import Notifier
from closedserver.services.passwords import Passwords
from closedserver.services.presence import Presence
from closedserver.services.profile import Profiles
from closedserver.services.push.allowlist import Allowlist
from closedserver.services.push.counts import PushCounts
from closedserver.services.push.delivery import DeliverySettings, PushDelivery
from closedserver.services.push.evaluation import PushActions
from closedserver.services.push.gateway import GatewayPolicy
from closedserver.services.push.notifications import Notifications
from closedserver.services.push.pushers import Pushers
from closedserver.services.push.rules import PushRulesService
from closedserver.services.ratelimit import RateLimiter
from closedserver.services.receipts import Receipts
from closedserver.services.registration import Registration
from closedserver.services.registration_tokens import RegistrationTokens
from closedserver.services.room_state import RoomState
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.rooms.client_events import ClientEventSerializer
from closedserver.services.rooms.creation import RoomCreation
from closedserver.services.rooms.directory import RoomDirectory
from closedserver.services.rooms.hierarchy import SpaceHierarchy
from closedserver.services.rooms.membership import Membership
from closedserver.services.rooms.public_rooms import PublicRooms
from closedserver.services.rooms.reading import RoomReader
from closedserver.services.rooms.relations import Relations
from closedserver.services.rooms.reports import Reports
from closedserver.services.rooms.sending import Sending
from closedserver.services.rooms.summaries import RoomSummaries
from closedserver.services.rooms.threads import Threads
from closedserver.services.rooms.upgrade import RoomUpgrades
from closedserver.services.rooms.user_directory import UserDirectory
from closedserver.services.rooms.visibility import Visibility
from closedserver.services.sessions import Sessions
from closedserver.services.sync import Sync
from closedserver.services.sync.e2ee import E2eeSync
from closedserver.services.sync.wiring import build_sync
from closedserver.services.tags import Tags
from closedserver.services.timeline import Timeline
from closedserver.services.typing import Typing
from closedserver.services.uia import STAGE_PASSWORD, UserInteractiveAuth
from closedserver.storage.database import Database
from closedserver.storage.migrations import migrate
from closedserver.storage.relations import RelationsStore
from closedserver.storage.room_directory import RoomDirectoryStore
from closedserver.storage.rooms import RoomsStore
from closedserver.storage.user_directory import UserDirectoryStore

if TYPE_CHECKING:
    from closedserver.services.admin.wiring import AdminServices

log = logging.getLogger(__name__)

DATA_VERSION_POLL_S = 0.25
LAST_SEEN_FLUSH_S = 10.0


@dataclass
class HomeServer:
    config: Config
    db: Database
    signing_key: SigningKey
    notifier: Notifier
    sessions: Sessions
    uia: UserInteractiveAuth
    accounts: Accounts
    registration: Registration
    registration_tokens: RegistrationTokens
    profiles: Profiles
    account_data: AccountData
    tags: Tags
    login_per_address: RateLimiter
    events: EventCache
    room_state: RoomState
    timeline: Timeline
    room_access: RoomAccess
    aliases: Aliases
    room_creation: RoomCreation
    membership: Membership
    sending: Sending
    visibility: Visibility
    serializer: ClientEventSerializer
    room_reader: RoomReader
    deactivation: Deactivation
    room_directory: RoomDirectory
    public_rooms: PublicRooms
    user_directory: UserDirectory
    relations: Relations
    threads: Threads
    space_hierarchy: SpaceHierarchy
    room_upgrades: RoomUpgrades
    reports: Reports
    media: MediaServices
    push_rules: PushRulesService
    push_counts: PushCounts
    notifications: Notifications
    pushers: Pushers
    push_delivery: PushDelivery
    device_lists: DeviceLists
    keys: DeviceKeys
    cross_signing: CrossSigning
    to_device: ToDevice
    key_backup: KeyBackup
    typing: Typing
    receipts: Receipts
    presence: Presence
    filters: Filters
    sync: Sync
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _admin: AdminServices | None = None

    @property
    def server_name(self) -> str:
        return self.config.server.server_name

    @property
    def admin(self) -> AdminServices:
        """What only the admin CLI uses, built on first use (the server never loads it)."""
        if self._admin is None:
            from closedserver.services.admin.wiring import build_admin_services

            self._admin = build_admin_services(
                self.config, self.accounts, self.timeline, self.room_state, self.room_access,
                self.aliases, self.membership, self.room_creation, self.room_directory,
                self.account_data)
        return self._admin

    async def start_background_tasks(self) -> None:
        self._tasks.append(asyncio.create_task(self._watch_other_writers()))
        self._tasks.append(asyncio.create_task(self._flush_last_seen()))
        self._tasks.append(asyncio.create_task(self.media.admin.run_housekeeping()))
        self._tasks.append(asyncio.create_task(self.push_delivery.run()))
        self.presence.restore_timers()

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
                self.events.clear()
                self.room_state.clear()
                self.push_rules.clear_cache()
                self.push_counts.clear_cache()
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
    signing_key = load_signing_keys(config.signing_key_path)[0]
    events = EventCache(db)
    room_state = RoomState(db, events)
    account_data = AccountData(db, notifier)
    access = RoomAccess(events, room_state, RoomsStore(db))
    receipts = Receipts(db, events, access, account_data, notifier)
    push = _build_push(config, db, events, room_state, account_data, notifier)
    accounts.on_user_created.append(push.rules.on_user_created)
    timeline = Timeline(db, events, room_state, notifier, config.server.server_name,
                        signing_key, push=push.actions)
    aliases = Aliases(access, config.server.server_name)
    membership = Membership(timeline, access, aliases, accounts)
    visibility = Visibility(events, room_state)
    serializer = ClientEventSerializer(events)
    room_creation = RoomCreation(timeline, accounts, aliases)
    room_reader = RoomReader(access, visibility, serializer)
    directory_store = RoomDirectoryStore(db)
    summaries = RoomSummaries(access, events, directory_store)
    relations_store = RelationsStore(db)
    device_lists = DeviceLists(db, notifier, room_state.store)
    accounts.on_devices_changed = device_lists.note_device_change
    cross_signing = CrossSigning(db, config.server.server_name, device_lists)
    keys = DeviceKeys(db, config.server.server_name, device_lists, cross_signing)
    to_device = ToDevice(db, config.server.server_name, notifier)
    typing = Typing(access, notifier)
    presence = Presence(db, notifier, room_state.store, enabled=config.presence.enabled,
                        offline_after_ms=config.presence_offline_after_ms)
    room_directory = RoomDirectory(timeline, access, aliases)
    hs = HomeServer(
        config=config, db=db, signing_key=signing_key, notifier=notifier, sessions=sessions,
        uia=uia, accounts=accounts, registration=registration,
        registration_tokens=registration_tokens, profiles=Profiles(db, membership),
        account_data=account_data, tags=Tags(account_data),
        login_per_address=RateLimiter(rates.rate("login_per_address")), events=events,
        room_state=room_state, timeline=timeline, room_access=access, aliases=aliases,
        room_creation=room_creation, membership=membership,
        sending=Sending(timeline, access, aliases, membership), visibility=visibility,
        serializer=serializer, room_reader=room_reader,
        deactivation=Deactivation(accounts, membership, push.pushers),
        room_directory=room_directory,
        public_rooms=PublicRooms(summaries, config.server.server_name),
        user_directory=UserDirectory(
            UserDirectoryStore(db), events, room_state,
            search_all_users=config.user_directory.search_all_users),
        relations=Relations(room_reader, relations_store),
        threads=Threads(room_reader, relations_store),
        space_hierarchy=SpaceHierarchy(summaries, membership),
        room_upgrades=RoomUpgrades(timeline, access, room_creation, directory_store),
        reports=Reports(room_reader, accounts),
        media=build_media_services(config, db),
        push_rules=push.rules,
        push_counts=push.counts,
        notifications=Notifications(db, push.counts, room_state.store, events, visibility,
                                    serializer),
        pushers=push.pushers, push_delivery=push.delivery,
        device_lists=device_lists,
        keys=keys, cross_signing=cross_signing, to_device=to_device,
        key_backup=KeyBackup(db), typing=typing,
        receipts=receipts, presence=presence,
        filters=Filters(db),
        sync=build_sync(db, notifier, events, room_state, visibility, serializer, typing,
                        presence, account_data, push.counts,
                        E2eeSync(to_device, keys, device_lists, room_state.store)))
    return hs


@dataclass
class _PushServices:
    rules: PushRulesService
    counts: PushCounts
    pushers: Pushers
    delivery: PushDelivery
    actions: PushActions


def _build_push(config: Config, db: Database, events: EventCache, room_state: RoomState,
                account_data: AccountData, notifier: Notifier) -> _PushServices:
    """Push rules, counts, pushers and delivery; `actions` is the Timeline's hook."""
    push = config.push
    rules = PushRulesService(db, account_data, notifier)
    counts = PushCounts(db, room_state.store)
    policy = GatewayPolicy(Allowlist(push.gateway_allowlist))
    pushers = Pushers(db, policy)
    delivery = PushDelivery(pushers, counts, events, room_state, policy, DeliverySettings(
        retry_initial_delay_ms=_ms(push.retry_initial_delay),
        retry_max_delay_ms=_ms(push.retry_max_delay),
        give_up_after_ms=_ms(push.give_up_after),
        request_timeout_ms=_ms(push.request_timeout)))
    pushers.on_change = delivery.pushers_changed
    actions = PushActions(db, rules, events, room_state, config.server.server_name, counts,
                          on_notify=delivery.wake)
    return _PushServices(rules, counts, pushers, delivery, actions)


def _ms(duration: str) -> int:
    value = parse_duration_ms(duration)
    assert value is not None  # config validation refuses "off"
    return value
