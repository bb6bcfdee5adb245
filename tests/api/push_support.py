"""Helpers for the push tests: rooms, messages, and reading unread counts through the push
counting service on the server's own SQLite file."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from closedserver.services.push.counts import PushCounts
from closedserver.storage.database import Database
from closedserver.storage.state import StateStore
from tests.helpers import UserClient
from tests.helpers import joined_room_with as create_room  # noqa: F401 (re-exported)
from tests.server import RunningServer

_txn = itertools.count(1)


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


class Gateway:
    """A push gateway on a free loopback port (http.server in a thread). It records every
    request and answers with what `answer_next` queued for the pushkey (status, JSON body),
    else 200 `{"rejected": []}`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.answers: dict[str, deque[tuple[int, Any]]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def notify_url(self) -> str:
        return f"{self.url}/_matrix/push/v1/notify"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def received_for(self, pushkey: str) -> list[dict[str, Any]]:
        """The notification bodies sent to a pushkey, in order."""
        with self._lock:
            return [body["notification"] for _, body in self.requests
                    if any(d.get("pushkey") == pushkey
                           for d in body.get("notification", {}).get("devices", []))]

    def answer_next(self, pushkey: str, status: int, body: Any) -> None:
        with self._lock:
            self.answers.setdefault(pushkey, deque()).append((status, body))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                devices = body.get("notification", {}).get("devices") or [{}]
                with gateway._lock:
                    gateway.requests.append((self.path, body))
                    queued = gateway.answers.get(devices[0].get("pushkey"))
                    status, answer = queued.popleft() if queued else (200, {"rejected": []})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
