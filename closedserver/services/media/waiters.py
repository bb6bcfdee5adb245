"""Downloads parked until a pending upload lands (spec: `timeout_ms` on the downloads).

One asyncio.Event per awaited media ID; the upload sets it after its transaction commits,
so every parked download wakes at once. No polling loop.
"""

from __future__ import annotations

import asyncio
import contextlib


class _Parked:
    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.count = 0


class UploadWaiters:
    def __init__(self) -> None:
        self._parked: dict[str, _Parked] = {}

    async def wait(self, media_id: str, timeout_s: float) -> bool:
        """Park until `wake(media_id)` or the timeout; True when woken."""
        if timeout_s <= 0:
            return False
        parked = self._parked.setdefault(media_id, _Parked())
        parked.count += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(parked.event.wait(), timeout_s)
            return parked.event.is_set()
        finally:
            parked.count -= 1
            if parked.count == 0 and self._parked.get(media_id) is parked:
                del self._parked[media_id]

    def wake(self, media_id: str) -> None:
        parked = self._parked.pop(media_id, None)
        if parked is not None:
            parked.event.set()

    @property
    def parked_count(self) -> int:
        return sum(p.count for p in self._parked.values())
