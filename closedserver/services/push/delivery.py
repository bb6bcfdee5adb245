"""Delivering notifications to HTTP pushers (Push Gateway API, "Homeserver behaviour"): a
background task of the HomeServer.

The dispatcher reads committed action rows that notify users who have pushers, in stream
order from where it started (rows written before a restart are not pushed again), and
queues each for every `http` pusher of its user. Evaluation only wakes the dispatcher, so
nothing is queued inside the write transaction; a periodic sweep also picks up rows other
processes wrote. Each pusher has its own worker: it sends its queue in order, retries a
failed request with exponential back-off, drops a notification that could not be sent
within `give_up_after`, and deletes the pusher when the gateway lists its pushkey as
`rejected`. The gateway is checked again (allow-list, DNS, addresses) before each request.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import orjson

from closedserver.clock import now_ms
from closedserver.services.event_cache import EventCache
from closedserver.services.push.allowlist import GatewayRefused
from closedserver.services.push.counts import PushCounts
from closedserver.services.push.gateway import GatewayPolicy
from closedserver.services.push.payload import RoomNames, notify_body
from closedserver.services.push.pushers import Pushers
from closedserver.services.room_state import RoomState
from closedserver.storage.database import current_stream_position
from closedserver.storage.push import ActionRow, PushActionsStore
from closedserver.storage.pushers import PusherRow

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

SWEEP_S = 5.0
"""How often the dispatcher looks for rows without being woken (other processes)."""
BATCH = 500
MAX_QUEUE = 1000
"""Notifications waiting per pusher; the oldest are dropped beyond this."""

PusherKey = tuple[str, str, str]
"""(user_id, app_id, pushkey)"""


@dataclass(frozen=True)
class DeliverySettings:
    retry_initial_delay_ms: int = 1000
    retry_max_delay_ms: int = 300_000
    give_up_after_ms: int = 3_600_000
    request_timeout_ms: int = 10_000


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"
    """Worth retrying: no answer, or an HTTP error."""
    DROPPED = "dropped"
    """Never sendable (gateway not allowed any more, event gone)."""
    REJECTED = "rejected"
    """The gateway rejected the pushkey: the pusher is deleted."""


@dataclass
class _Worker:
    queue: deque[tuple[ActionRow, int]] = field(default_factory=deque)
    """(row, when it was queued in ms)"""
    task: asyncio.Task[None] | None = None


class PushDelivery:
    def __init__(self, pushers: Pushers, counts: PushCounts, events: EventCache,
                 room_state: RoomState, policy: GatewayPolicy,
                 settings: DeliverySettings) -> None:
        self.pushers = pushers
        self.store = pushers.store
        self.actions = PushActionsStore(pushers.db)
        self.counts = counts
        self.events = events
        self.room_state = room_state
        self.policy = policy
        self.settings = settings
        self._wakeup = asyncio.Event()
        self._users_with_pushers: set[str] | None = None
        self._workers: dict[PusherKey, _Worker] = {}
        self._cursor: int | None = None
        self._client: httpx.AsyncClient | None = None

    # called by others (synchronously, possibly inside a transaction)

    def wake(self, user_ids: set[str]) -> None:
        """New notifying rows for these users: look for them after the commit. (Who has a
        pusher is read again only after a change here: another process only ever deletes
        pushers, and a stale name only costs a dispatch that finds nothing.)"""
        if self._users_with_pushers is None:
            self._users_with_pushers = self.store.list_user_ids_with_pushers()
        if not user_ids.isdisjoint(self._users_with_pushers):
            self._wakeup.set()

    def pushers_changed(self) -> None:
        self._users_with_pushers = None

    # the background task

    def _http_client(self) -> httpx.AsyncClient:
        """Made on the first delivery: httpx costs 5 MiB and 60 ms, and most servers
        never push (no gateway is allowed by default)."""
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(
                timeout=self.settings.request_timeout_ms / 1000, follow_redirects=False,
                trust_env=False)
        return self._client

    async def run(self) -> None:
        self._cursor = current_stream_position(self.pushers.db.conn)
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), SWEEP_S)
                self._wakeup.clear()
                try:
                    self.dispatch_new_rows()
                except Exception:
                    log.exception("could not queue push notifications")
        finally:
            await self._stop_workers()
            if self._client is not None:
                await self._client.aclose()

    def dispatch_new_rows(self) -> None:
        """Queue every committed notifying row after the cursor for its user's pushers;
        the cursor then moves to the stream position read first."""
        assert self._cursor is not None
        upto = current_stream_position(self.pushers.db.conn)
        pushers_of: dict[str, list[PusherRow]] = {}
        while True:
            rows = self.actions.list_actions_for_pushers(self._cursor, upto, BATCH)
            for row in rows:
                if row.user_id not in pushers_of:
                    pushers_of[row.user_id] = [p for p in self.store.list_pushers(row.user_id)
                                               if p.kind == "http"]
                for pusher in pushers_of[row.user_id]:
                    self._enqueue((pusher.user_id, pusher.app_id, pusher.pushkey), row)
                self._cursor = row.stream_ordering
            if len(rows) < BATCH:
                self._cursor = upto
                return

    def _enqueue(self, key: PusherKey, row: ActionRow) -> None:
        worker = self._workers.setdefault(key, _Worker())
        worker.queue.append((row, now_ms()))
        while len(worker.queue) > MAX_QUEUE:
            worker.queue.popleft()
        if worker.task is None or worker.task.done():
            worker.task = asyncio.create_task(self._work(key, worker))

    async def _stop_workers(self) -> None:
        tasks = [w.task for w in self._workers.values() if w.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()

    # one pusher's worker

    async def _work(self, key: PusherKey, worker: _Worker) -> None:
        """Send the pusher's queue in order, backing off after failures."""
        delay_ms = self.settings.retry_initial_delay_ms
        while worker.queue:
            row, queued_ms = worker.queue[0]
            pusher = self.store.get_pusher(*key)
            if pusher is None:
                worker.queue.clear()
                break
            if now_ms() - queued_ms > self.settings.give_up_after_ms:
                log.warning("giving up pushing %s to %s/%s", row.event_id, key[0], key[1])
                worker.queue.popleft()
                continue
            try:
                outcome = await self._send(pusher, row)
            except Exception:
                log.exception("could not push %s to %s", row.event_id, key[0])
                outcome = Outcome.FAILED
            if outcome is Outcome.FAILED:
                await asyncio.sleep(delay_ms / 1000)
                delay_ms = min(delay_ms * 2, self.settings.retry_max_delay_ms)
                continue
            worker.queue.popleft()
            delay_ms = self.settings.retry_initial_delay_ms
            if outcome is Outcome.REJECTED:
                log.info("push gateway rejected pushkey of %s (%s): pusher removed", key[0],
                         key[1])
                self.pushers.delete_pusher(*key)
                worker.queue.clear()
        if self._workers.get(key) is worker and not worker.queue:
            del self._workers[key]

    async def _send(self, pusher: PusherRow, row: ActionRow) -> Outcome:
        stored = self.events.get(row.event_id)
        if stored is None:
            return Outcome.DROPPED
        try:
            checked = await self.policy.check(orjson.loads(pusher.data)["url"])
        except GatewayRefused as exc:
            log.warning("not pushing to %s: %s", pusher.user_id, exc)
            return Outcome.DROPPED
        body = notify_body(pusher, stored.event, orjson.loads(row.actions),
                           self.counts.total_unread(pusher.user_id),
                           self._names(row.room_id, stored.event.sender))
        url, headers, extensions = checked.request_target()
        client = self._http_client()
        import httpx

        try:
            response = await client.post(
                url, content=orjson.dumps(body), extensions=extensions,
                headers={**headers, "Content-Type": "application/json"})
        except httpx.HTTPError as exc:
            log.info("push gateway %s: %s", checked.gateway.host,
                     str(exc) or type(exc).__name__)
            return Outcome.FAILED
        if not response.is_success:
            log.info("push gateway %s answered %s", checked.gateway.host,
                     response.status_code)
            return Outcome.FAILED
        return Outcome.REJECTED if pusher.pushkey in _rejected(response) else Outcome.SENT

    def _names(self, room_id: str, sender: str) -> RoomNames:
        member = self.room_state.store.get_member(room_id, sender)
        name = self.room_state.current_event(room_id, "m.room.name")
        alias = self.room_state.current_event(room_id, "m.room.canonical_alias")
        return RoomNames(
            sender_display_name=member.displayname if member else None,
            room_name=_string(name.content.get("name")) if name else None,
            room_alias=_string(alias.content.get("alias")) if alias else None)


def _rejected(response: httpx.Response) -> list[str]:
    try:
        body = response.json()
    except ValueError:
        return []
    rejected = body.get("rejected") if isinstance(body, dict) else None
    return [key for key in rejected if isinstance(key, str)] if isinstance(rejected, list) \
        else []


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None
