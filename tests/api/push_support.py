"""Helpers for the push tests: rooms, messages, and reading unread counts through the push
counting service on the server's own SQLite file (there is no /sync on this branch)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from closedserver.services.push.counts import PushCounts
from closedserver.storage.database import Database
from closedserver.storage.state import StateStore
from tests.helpers import UserClient
from tests.server import RunningServer

_txn = itertools.count(1)


def create_room(creator: UserClient, *members: UserClient, **body: Any) -> str:
    """A private room the members joined (invited, then joined)."""
    resp = creator.post("/createRoom", {"invite": [m.user_id for m in members], **body})
    assert resp.status_code == 200, resp.text
    room_id = resp.json()["room_id"]
    for member in members:
        assert member.post(f"/rooms/{room_id}/join").status_code == 200
    return room_id


def send(sender: UserClient, room_id: str, body: str = "hello", *,
         event_type: str = "m.room.message", **content: Any) -> str:
    message = {"msgtype": "m.text", "body": body, **content}
    resp = sender.put(f"/rooms/{room_id}/send/{event_type}/t{next(_txn)}", message)
    assert resp.status_code == 200, resp.text
    return resp.json()["event_id"]


@contextmanager
def counts_of(server: RunningServer) -> Iterator[PushCounts]:
    """The server's PushCounts service, on a connection of its own to the server's file."""
    db = Database(server.data_dir / "closedserver.db")
    try:
        yield PushCounts(db, StateStore(db))
    finally:
        db.close()


def unread(server: RunningServer, user: UserClient, room_id: str) -> dict[str, int]:
    with counts_of(server) as counts:
        return counts.unread_counts(user.user_id, room_id)[0]


def eventually(check: Callable[[], Any], timeout_s: float = 10.0) -> Any:
    """Poll until `check()` returns something truthy; fail after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        time.sleep(0.05)
