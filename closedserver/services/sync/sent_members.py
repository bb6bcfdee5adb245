"""Which member events each device has already been sent, for lazy-loading syncs that do
not want redundant members (spec: "Lazy-loading room members", include_redundant_members).

In memory, per (user, device), least recently used devices forgotten first; an initial
sync starts the device afresh. Forgetting only ever makes the server send a member event
again, which the spec allows.
"""

from __future__ import annotations

from collections import OrderedDict

MAX_DEVICES = 2_000

SentMembers = dict[str, dict[str, str]]
"""room_id -> user_id -> the member event ID last sent."""


class SentMembersCache:
    def __init__(self, max_devices: int = MAX_DEVICES) -> None:
        self.max_devices = max_devices
        self._devices: OrderedDict[tuple[str, str], SentMembers] = OrderedDict()

    def for_device(self, user_id: str, device_id: str, *, fresh: bool) -> SentMembers:
        key = (user_id, device_id)
        sent = None if fresh else self._devices.get(key)
        if sent is None:
            sent = {}
            self._devices[key] = sent
        self._devices.move_to_end(key)
        if len(self._devices) > self.max_devices:
            self._devices.popitem(last=False)
        return sent
