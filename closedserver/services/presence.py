"""Presence (spec: module "Presence", presence.yaml, the `set_presence` parameter of /sync).

State (online / unavailable / offline) and status message are persisted with a stream
position whenever they change, so /sync tokens cover them; the last-active time is kept in
memory and only written along with a state change (never once per sync). Syncing marks a
user online (or unavailable, as `set_presence` asks); when a user's last sync ends, an
asyncio timer sets them offline `offline_after` later unless another sync starts first. A
user's presence is visible to the users who share a room with them, and to themself.
With presence disabled the endpoints still answer (everyone reads as offline) and /sync
carries no presence.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from closedserver.clock import now_ms
from closedserver.errors import Forbidden, InvalidParam, NotFound
from closedserver.services.notifier import Notifier
from closedserver.storage.accounts import AccountsStore
from closedserver.storage.database import Database
from closedserver.storage.presence import PresenceRow, PresenceStore
from closedserver.storage.state import StateStore

log = logging.getLogger(__name__)

ONLINE, UNAVAILABLE, OFFLINE = "online", "unavailable", "offline"
STATES = (ONLINE, UNAVAILABLE, OFFLINE)
CURRENTLY_ACTIVE_MS = 60_000


@dataclass
class UserPresence:
    state: str
    status_msg: str | None
    last_active_ts: int | None


class Presence:
    def __init__(self, db: Database, notifier: Notifier, members: StateStore, *,
                 enabled: bool, offline_after_ms: int) -> None:
        self.db = db
        self.notifier = notifier
        self.members = members
        self.enabled = enabled
        self.offline_after_s = offline_after_ms / 1000
        self.store = PresenceStore(db)
        self.accounts = AccountsStore(db)
        self._known: dict[str, UserPresence] = {}
        self._syncing: dict[str, int] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        # user -> device -> until when that device counts as online (inf while syncing)
        self._online_devices: dict[str, dict[str, float]] = {}

    # the endpoints

    def get_status(self, requester_id: str, user_id: str) -> dict[str, Any]:
        """GET /presence/{userId}/status: 404 for unknown users, 403 without a shared room."""
        if not self.accounts.user_exists(user_id):
            raise NotFound(f"Unknown user {user_id}")
        if requester_id != user_id and not self.members.list_users_sharing_a_room(
                requester_id, [user_id]):
            raise Forbidden("You are not allowed to see their presence")
        if not self.enabled:
            return {"presence": OFFLINE}
        return self.content(self._current(user_id))

    def set_status(self, requester_id: str, user_id: str, state: Any, status_msg: Any) -> None:
        """PUT /presence/{userId}/status."""
        if requester_id != user_id:
            raise Forbidden("You may only set your own presence")
        if state not in STATES:
            raise InvalidParam(f"presence must be one of {', '.join(STATES)}")
        if status_msg is not None and not isinstance(status_msg, str):
            raise InvalidParam("status_msg must be a string")
        if not self.enabled:
            return
        self._change(user_id, state, status_msg, active=state == ONLINE)
        if state != OFFLINE and not self._syncing.get(user_id):
            self._schedule_offline(user_id)

    # syncing

    def sync_started(self, user_id: str, device_id: str, set_presence: str | None) -> None:
        """A /sync began: online (or unavailable) unless it asked for `offline`.

        `unavailable` does not override another device of the user that is online (syncing
        now or lately), so two clients cannot flip the state back and forth.
        """
        if not self.enabled or set_presence == OFFLINE:
            return
        self._syncing[user_id] = self._syncing.get(user_id, 0) + 1
        timer = self._timers.pop(user_id, None)
        if timer is not None:
            timer.cancel()
        current = self._current(user_id)
        if set_presence == UNAVAILABLE:
            if current.state == OFFLINE or (current.state == ONLINE
                                            and not self._online_elsewhere(user_id, device_id)):
                self._change(user_id, UNAVAILABLE, current.status_msg, active=False)
            return
        self._online_devices.setdefault(user_id, {})[device_id] = math.inf
        current.last_active_ts = now_ms()
        if current.state != ONLINE:
            self._change(user_id, ONLINE, current.status_msg, active=True)

    def sync_finished(self, user_id: str, device_id: str, set_presence: str | None) -> None:
        if not self.enabled or set_presence == OFFLINE:
            return
        if set_presence != UNAVAILABLE:
            self._online_devices.setdefault(user_id, {})[device_id] = \
                time.monotonic() + self.offline_after_s
        left = self._syncing.get(user_id, 1) - 1
        if left > 0:
            self._syncing[user_id] = left
            return
        self._syncing.pop(user_id, None)
        self._schedule_offline(user_id)

    def _online_elsewhere(self, user_id: str, device_id: str) -> bool:
        devices = self._online_devices.get(user_id, {})
        now = time.monotonic()
        for device, until in list(devices.items()):
            if until <= now:
                del devices[device]
        return any(device != device_id for device in devices)

    def restore_timers(self) -> None:
        """After a restart nobody is syncing yet: time out everyone not offline."""
        if not self.enabled:
            return
        for row in self.store.list_not_offline():
            self._schedule_offline(row.user_id)

    # reading for /sync

    def content(self, presence: UserPresence) -> dict[str, Any]:
        """The m.presence content (or GET body) for a user's presence, as of now."""
        now = now_ms()
        content: dict[str, Any] = {"presence": presence.state}
        if presence.last_active_ts is not None:
            ago = max(0, now - presence.last_active_ts)
            content["last_active_ago"] = ago
            if presence.state == ONLINE:
                content["currently_active"] = ago < CURRENTLY_ACTIVE_MS
        if presence.status_msg is not None:
            content["status_msg"] = presence.status_msg
        return content

    def from_row(self, row: PresenceRow) -> UserPresence:
        """The user's presence for a persisted row, with the in-memory last-active time."""
        known = self._known.get(row.user_id)
        if known is not None:
            return known
        return UserPresence(row.state, row.status_msg, row.last_active_ts)

    # internals

    def _current(self, user_id: str) -> UserPresence:
        known = self._known.get(user_id)
        if known is None:
            row = self.store.get_presence(user_id)
            known = self.from_row(row) if row else UserPresence(OFFLINE, None, None)
            self._known[user_id] = known
        return known

    def _change(self, user_id: str, state: str, status_msg: str | None, *,
                active: bool) -> None:
        current = self._current(user_id)
        if active:
            current.last_active_ts = now_ms()
        if current.state == state and current.status_msg == status_msg:
            return
        with self.db.transaction():
            self.store.upsert_presence(user_id, state, status_msg, current.last_active_ts)
        current.state, current.status_msg = state, status_msg
        self.notifier.notify_users(self.members.users_sharing_a_room(user_id))

    def _schedule_offline(self, user_id: str) -> None:
        timer = self._timers.pop(user_id, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._timers[user_id] = loop.call_later(self.offline_after_s, self._time_out, user_id)

    def _time_out(self, user_id: str) -> None:
        self._timers.pop(user_id, None)
        if self._syncing.get(user_id):
            return
        try:
            current = self._current(user_id)
            if current.state != OFFLINE:
                self._change(user_id, OFFLINE, current.status_msg, active=False)
        except Exception:
            log.exception("could not set %s offline", user_id)
