"""Small room helpers for the directory, relations, spaces, upgrade and report tests."""

from __future__ import annotations

import itertools
import sqlite3
from typing import Any

from tests.helpers import UserClient
from tests.server import RunningServer

_txn = itertools.count(1)


def create_room(user: UserClient, **body: Any) -> str:
    resp = user.post("/createRoom", body)
    assert resp.status_code == 200, resp.text
    return resp.json()["room_id"]


def join(user: UserClient, room_id: str) -> None:
    resp = user.post(f"/join/{room_id}")
    assert resp.status_code == 200, resp.text


def send(user: UserClient, room_id: str, content: dict[str, Any],
         event_type: str = "m.room.message") -> str:
    resp = user.put(f"/rooms/{room_id}/send/{event_type}/t{next(_txn)}", content)
    assert resp.status_code == 200, resp.text
    return resp.json()["event_id"]


def say(user: UserClient, room_id: str, body: str, **relates_to: Any) -> str:
    content: dict[str, Any] = {"msgtype": "m.text", "body": body}
    if relates_to:
        content["m.relates_to"] = relates_to
    return send(user, room_id, content)


def set_state(user: UserClient, room_id: str, event_type: str, content: dict[str, Any],
              state_key: str = "") -> str:
    resp = user.put(f"/rooms/{room_id}/state/{event_type}/{state_key}", content)
    assert resp.status_code == 200, resp.text
    return resp.json()["event_id"]


def get_state(user: UserClient, room_id: str, event_type: str, state_key: str = "") -> Any:
    resp = user.get(f"/rooms/{room_id}/state/{event_type}/{state_key}")
    assert resp.status_code == 200, resp.text
    return resp.json()


def query_db(server: RunningServer, sql: str, *args: Any) -> list[tuple]:
    """Read the server's SQLite file (read-only), for what no client API shows."""
    conn = sqlite3.connect(f"file:{server.data_dir / 'closedserver.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
