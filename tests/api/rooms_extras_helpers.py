"""Small room helpers for the directory, relations, spaces, upgrade and report tests."""

from __future__ import annotations

import itertools
from typing import Any

from tests.helpers import (  # noqa: F401 (re-exported for the room tests)
    UserClient,
    create_room,
    query_db,
    set_state,
)

_txn = itertools.count(1)


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


def get_state(user: UserClient, room_id: str, event_type: str, state_key: str = "") -> Any:
    resp = user.get(f"/rooms/{room_id}/state/{event_type}/{state_key}")
    assert resp.status_code == 200, resp.text
    return resp.json()
