"""Typing notifications (spec: module "Typing Notifications", typing.yaml).

Ephemeral and in memory only: who is typing in which room, each with an asyncio timer that
ends the typing when its timeout passes (no polling loop). Every change bumps a serial
number that rides in the /sync token (`s<position>_<serial>`), and records the serial on
the room, so a sync sends the rooms whose typing list changed after its token.

The serial starts at the boot time in milliseconds, so a token's serial tells whether it
comes from this run. A token from another run (below this run's start, or above the
current serial) gets every room's current list once: typing from before a restart is
forgotten, and clients must hear that nobody is typing any more.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable

from closedserver.clock import now_ms
from closedserver.errors import Forbidden
from closedserver.services.notifier import Notifier
from closedserver.services.rooms.access import RoomAccess

DEFAULT_TIMEOUT_MS = 30_000
MAX_TIMEOUT_MS = 120_000


class Typing:
    def __init__(self, access: RoomAccess, notifier: Notifier) -> None:
        self.access = access
        self.notifier = notifier
        self.boot_serial = now_ms()
        self.serial = self.boot_serial
        self._typing: dict[str, dict[str, asyncio.TimerHandle]] = {}
        # room -> serial of its last change, least recently changed first
        self._room_serials: OrderedDict[str, int] = OrderedDict()

    def set_typing(self, requester_id: str, user_id: str, room_id: str, typing: bool,
                   timeout_ms: int | None) -> None:
        """Start (for `timeout_ms`) or stop typing; only joined members, only for oneself."""
        if requester_id != user_id:
            raise Forbidden("You may only set your own typing state")
        self.access.require_joined(room_id, user_id)
        if typing:
            self._start(room_id, user_id, timeout_ms)
        else:
            self._stop(room_id, user_id)

    def _start(self, room_id: str, user_id: str, timeout_ms: int | None) -> None:
        timeout_ms = DEFAULT_TIMEOUT_MS if timeout_ms is None else timeout_ms
        timeout_s = max(0, min(timeout_ms, MAX_TIMEOUT_MS)) / 1000
        loop = asyncio.get_running_loop()
        typers = self._typing.setdefault(room_id, {})
        previous = typers.get(user_id)
        typers[user_id] = loop.call_later(timeout_s, self._stop, room_id, user_id)
        if previous is not None:
            previous.cancel()  # still typing: a new deadline, no change to announce
        else:
            self._changed(room_id)

    def _stop(self, room_id: str, user_id: str) -> None:
        typers = self._typing.get(room_id)
        handle = typers.pop(user_id, None) if typers is not None else None
        if handle is None:
            return
        handle.cancel()
        if not typers:
            del self._typing[room_id]
        self._changed(room_id)

    def _changed(self, room_id: str) -> None:
        self.serial += 1
        self._room_serials[room_id] = self.serial
        self._room_serials.move_to_end(room_id)
        self.notifier.notify_users(self.access.state.store.list_joined_user_ids(room_id))

    def typing_user_ids(self, room_id: str) -> list[str]:
        return sorted(self._typing.get(room_id, ()))

    def rooms_changed_since(self, since_serial: int) -> set[str] | None:
        """Rooms whose typing list changed after the serial (walking back only over the
        changes since); None when the serial is from another run (every room changed)."""
        if since_serial == self.serial:
            return set()
        if not self._from_this_run(since_serial):
            return None
        changed = set()
        for room_id in reversed(self._room_serials):
            if self._room_serials[room_id] <= since_serial:
                break
            changed.add(room_id)
        return changed

    def _from_this_run(self, serial: int) -> bool:
        return serial == 0 or self.boot_serial <= serial <= self.serial

    def changed_rooms(self, room_ids: Iterable[str], since_serial: int) -> dict[str, list[str]]:
        """{room_id: users typing now} for the rooms whose list changed after the serial
        (0: at any time in this run; another run's serial: every room)."""
        if since_serial == self.serial:
            return {}
        if not self._from_this_run(since_serial):
            return {room_id: self.typing_user_ids(room_id) for room_id in room_ids}
        serials = self._room_serials
        return {room_id: self.typing_user_ids(room_id) for room_id in room_ids
                if serials.get(room_id, 0) > since_serial}
