"""Wakes parked requests (long-polling /sync) when something new exists for a user.

Writers call `notify_users(...)` after their transaction commits; a parked /sync waits on
`wait(user_id, timeout)`. No polling loop: each waiter is an asyncio future. Changes made
by another process (the admin CLI) are noticed by the homeserver's data_version watcher,
which calls `notify_all()`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable


class Notifier:
    def __init__(self) -> None:
        self._waiters: dict[str, set[asyncio.Future[None]]] = {}

    async def wait(self, user_id: str, timeout_s: float) -> bool:
        """Park until notified for `user_id` or the timeout; True when notified."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        waiters = self._waiters.setdefault(user_id, set())
        waiters.add(future)
        try:
            await asyncio.wait_for(future, timeout_s)
            return True
        except TimeoutError:
            return False
        finally:
            waiters.discard(future)
            if not waiters:
                self._waiters.pop(user_id, None)

    def notify_users(self, user_ids: Iterable[str]) -> None:
        for user_id in user_ids:
            for future in self._waiters.get(user_id, ()):
                if not future.done():
                    future.set_result(None)

    def notify_all(self) -> None:
        self.notify_users(list(self._waiters))

    @property
    def parked_count(self) -> int:
        return sum(len(w) for w in self._waiters.values())
