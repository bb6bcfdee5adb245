"""The end-to-end encryption parts of /sync (spec: "Extensions to /sync" of the
Send-to-Device and End-to-End Encryption modules).

- `to_device`: the device's inbox in (since, upto]. Reading it also deletes what the
  client acknowledged by sending `since` (a write, so it runs before the sync's reads). A
  capped inbox lowers the sync's `upto` to the position reached, so nothing is skipped.
- `device_lists.changed`: users who share a room with the syncing user and whose devices,
  keys or signatures changed in the window, plus users who came to share a room in it;
  `left`: users who stopped sharing every room with them in the window.
- `device_one_time_keys_count`, `device_unused_fallback_key_types`: for this device.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from closedserver.services.e2ee.device_keys import DeviceKeys
from closedserver.services.e2ee.device_lists import DeviceLists
from closedserver.services.e2ee.to_device import ToDevice
from closedserver.services.sync.context import SyncContext, Window
from closedserver.storage.state import StateStore


@dataclass
class E2eeSections:
    upto: int
    """The last stream position this sync may claim (<= the window's upto)."""
    to_device: list[dict[str, Any]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    one_time_keys_count: dict[str, int] = field(default_factory=dict)
    unused_fallback_key_types: list[str] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return bool(self.to_device or self.changed or self.left)

    def to_json(self) -> dict[str, Any]:
        return {
            "to_device": {"events": self.to_device},
            "device_lists": {"changed": self.changed, "left": self.left},
            "device_one_time_keys_count": self.one_time_keys_count,
            "device_unused_fallback_key_types": self.unused_fallback_key_types,
        }


class E2eeSync:
    def __init__(self, to_device: ToDevice, keys: DeviceKeys, device_lists: DeviceLists,
                 members: StateStore) -> None:
        self.to_device = to_device
        self.keys = keys
        self.device_lists = device_lists
        self.members = members

    def device_sections(self, user_id: str, device_id: str, window: Window) -> E2eeSections:
        """The per-device parts, read first: the to-device inbox and the key counts.

        When the stream has not moved since the token there is no new to-device message;
        acknowledged ones are then deleted by the next sync whose window moves.
        """
        events: list[dict[str, Any]] = []
        reached = window.upto
        if window.since is None or window.since < window.upto:
            events, reached = self.to_device.to_device_for_sync(
                user_id, device_id, window.since or 0, window.upto)
        return E2eeSections(
            upto=reached, to_device=events,
            one_time_keys_count=self.keys.one_time_key_counts(user_id, device_id),
            unused_fallback_key_types=self.keys.unused_fallback_key_types(user_id, device_id))

    def fill_device_lists(self, ctx: SyncContext, sections: E2eeSections) -> None:
        """`changed` and `left`, once the rooms (and who joined or left them) are known."""
        window = ctx.window
        if window.initial or window.since is None or window.since >= sections.upto:
            return
        changed = self.device_lists.users_with_changed_devices(window.since, sections.upto)
        candidates = changed | ctx.new_sharers | ctx.departed
        if not candidates:
            return
        # Only the candidates are looked up: a device changing anywhere on the server
        # must not cost every sync a walk through all its user's rooms.
        sharing = self.members.list_users_sharing_a_room(ctx.user_id, candidates)
        changed = (changed & sharing) | (ctx.new_sharers & sharing)
        left = ctx.departed - sharing
        sections.changed = sorted(changed)
        sections.left = sorted(left)
