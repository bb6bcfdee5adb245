"""Helpers for /sync tests: rooms, messages, syncing, and parking a sync in a thread."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import orjson

from tests.helpers import (  # noqa: F401 (re-exported for the sync tests)
    UserClient,
    create_room,
    send_text,
)
from tests.helpers import joined_room_with as shared_room  # noqa: F401
from tests.helpers import set_state as send_state  # noqa: F401

_txn = itertools.count(1)
_pool = ThreadPoolExecutor(max_workers=16)


def sync(client: UserClient, since: str | None = None, *, filter: Any = None,
         **params: Any) -> dict[str, Any]:
    """GET /sync; `filter` may be a dict (sent inline as JSON) or a filter ID."""
    query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
    if since is not None:
        query["since"] = since
    if filter is not None:
        query["filter"] = filter if isinstance(filter, str) else orjson.dumps(filter).decode()
    resp = client.get("/sync", params=query, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()


def joined_room(body: dict[str, Any], room_id: str) -> dict[str, Any]:
    return body["rooms"]["join"][room_id]


def timeline_ids(room: dict[str, Any]) -> list[str]:
    return [event["event_id"] for event in room["timeline"]["events"]]


def bodies(room: dict[str, Any]) -> list[str]:
    return [e["content"]["body"] for e in room["timeline"]["events"]
            if e["type"] == "m.room.message"]


def state_keys(events: list[dict[str, Any]], event_type: str = "m.room.member") -> set[str]:
    return {e["state_key"] for e in events if e["type"] == event_type}


class ParkedSync:
    """A long-polling /sync running in a thread, to be woken by something the test does."""

    def __init__(self, client: UserClient, since: str, timeout_ms: int = 20_000,
                 **params: Any) -> None:
        self.timeout_ms = timeout_ms
        self.started = time.monotonic()
        self.future: Future[dict[str, Any]] = _pool.submit(
            sync, client, since, timeout=timeout_ms, **params)
        time.sleep(0.3)
        assert not self.future.done(), "the sync returned before anything happened"

    def woken_by(self, action: Callable[[], Any]) -> tuple[dict[str, Any], float]:
        """Run `action`, then wait for the sync: (its body, seconds after the action)."""
        acted = time.monotonic()
        action()
        body = self.future.result(timeout=self.timeout_ms / 1000 + 10)
        return body, time.monotonic() - acted
