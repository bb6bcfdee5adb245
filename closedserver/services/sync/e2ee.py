"""THE SEAM for end-to-end encryption in /sync (spec: "Extensions to /sync" of the
Send-to-Device and End-to-End Encryption modules).

`e2ee_sections()` is the one function the E2EE service plugs into. Until then it returns
the sections empty but present (`to_device.events`, `device_lists.changed/left`,
`device_one_time_keys_count`, `device_unused_fallback_key_types`), which tells clients the
server speaks the extension. What it is expected to become, with the E2EE services:

- `to_device`: the device's inbox in (since, upto] (`window.since` is None on an initial
  sync). If the inbox is capped, return the position reached as `upto`: the whole sync
  then covers every stream only up to it, so nothing is skipped. The builder calls this
  before reading anything else, even when nothing else moved, so an inbox can be drained
  (a write) here.
- `device_lists.changed`: users sharing a room with the user whose devices changed in
  the window, plus users who came to share a room with the user in it; `left`: users
  who no longer share any room. (While building rooms the builder also collects
  `SyncContext.new_sharers`, the users who came to share a room in the window.)
- `device_one_time_keys_count`, `device_unused_fallback_key_types`: for this device.

A non-empty `to_device` or `device_lists` ends a long-poll like any other news (the
writers wake the notifier).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from closedserver.services.sync.context import Window


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


def e2ee_sections(user_id: str, device_id: str, window: Window) -> E2eeSections:
    """The E2EE parts of a sync for one device (empty until the E2EE service plugs in)."""
    return E2eeSections(upto=window.upto)
