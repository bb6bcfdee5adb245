"""GET /sync as a service: presence while syncing, then compute; if an incremental sync
has nothing new, park on the notifier and compute again from the same `since` when woken
(spec: /sync `timeout` long-polling). No polling loop: the request sleeps until a writer
notifies this user, or until its timeout.
"""

from __future__ import annotations

import asyncio
from typing import Any

from closedserver.services.notifier import Notifier
from closedserver.services.presence import Presence
from closedserver.services.sync.builder import SyncBuilder, SyncResult
from closedserver.services.sync.context import SyncRequest


class Sync:
    def __init__(self, builder: SyncBuilder, notifier: Notifier, presence: Presence) -> None:
        self.builder = builder
        self.notifier = notifier
        self.presence = presence

    async def sync(self, request: SyncRequest) -> dict[str, Any]:
        self.presence.sync_started(request.user_id, request.device_id,
                                   request.set_presence)
        try:
            return (await self._sync(request)).body
        finally:
            self.presence.sync_finished(request.user_id, request.device_id,
                                        request.set_presence)

    async def _sync(self, request: SyncRequest) -> SyncResult:
        result = await self.builder.build(request, self.builder.window(request))
        if result.has_news or request.since is None or request.full_state \
                or request.timeout_ms <= 0:
            return result
        loop = asyncio.get_running_loop()
        deadline = loop.time() + request.timeout_ms / 1000
        while True:
            # Something written while we computed (a long sync yields) is not missed.
            if not self.builder.moved_past(result.window):
                remaining = deadline - loop.time()
                if remaining <= 0 or not await self.notifier.wait(request.user_id, remaining):
                    return result
            result = await self.builder.build(request, self.builder.window(request))
            if result.has_news or loop.time() >= deadline:
                return result
