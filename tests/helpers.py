"""Helpers that keep tests short: error assertions, users, authenticated clients."""

from __future__ import annotations

import itertools
import sqlite3
from typing import Any

import httpx

C3 = "/_matrix/client/v3"
PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def assert_matrix_error(resp: httpx.Response, status: int, errcode: str) -> dict[str, Any]:
    """The response is the Matrix error `errcode` with HTTP `status`; returns the body."""
    assert resp.status_code == status, f"{resp.status_code} {resp.text}"
    body = resp.json()
    assert body.get("errcode") == errcode, body
    assert isinstance(body.get("error"), str), body
    return body


def unique_name(prefix: str = "user") -> str:
    return f"{prefix}{next(_counter)}"


class UserClient:
    """An httpx client logged in as one user (raw HTTP, no client library)."""

    def __init__(self, base_url: str, user_id: str, access_token: str, device_id: str,
                 password: str = PASSWORD) -> None:
        self.user_id = user_id
        self.device_id = device_id
        self.password = password
        self.access_token = access_token
        self.http = httpx.Client(base_url=base_url, timeout=30, trust_env=False,
                                 headers={"Authorization": f"Bearer {access_token}"})

    @property
    def localpart(self) -> str:
        return self.user_id[1:].split(":", 1)[0]

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(_full(path), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.http.post(_full(path), json={} if json is None else json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return self.http.put(_full(path), json={} if json is None else json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request("DELETE", _full(path), **kwargs)

    def password_auth(self, session: str | None = None) -> dict[str, Any]:
        auth = {"type": "m.login.password", "password": self.password,
                "identifier": {"type": "m.id.user", "user": self.user_id}}
        if session:
            auth["session"] = session
        return auth


def _full(path: str) -> str:
    return path if path.startswith("/_matrix") or path.startswith("/.well") else C3 + path


def register(base_url: str, localpart: str | None = None, password: str = PASSWORD,
             **extra: Any) -> UserClient:
    """Register through open registration (m.login.dummy) and return a logged-in client."""
    localpart = localpart or unique_name()
    body = {"username": localpart, "password": password, "auth": {"type": "m.login.dummy"},
            **extra}
    resp = httpx.post(f"{base_url}{C3}/register", json=body, timeout=30)
    assert resp.status_code == 200, resp.text
    data = resp.json()
    return UserClient(base_url, data["user_id"], data["access_token"], data["device_id"],
                      password)


def login(base_url: str, user: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
    body = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": user},
            "password": password, **extra}
    return httpx.post(f"{base_url}{C3}/login", json=body, timeout=30)


def create_room(client: UserClient, **body: Any) -> str:
    resp = client.post("/createRoom", body)
    assert resp.status_code == 200, resp.text
    return resp.json()["room_id"]


def send_text(client: UserClient, room_id: str, body: str = "hello",
              txn_id: str | None = None, **extra: Any) -> str:
    """Send an m.text message (extra content keys allowed); returns its event ID."""
    txn_id = txn_id or unique_name("txn")
    resp = client.put(f"/rooms/{room_id}/send/m.room.message/{txn_id}",
                      {"msgtype": "m.text", "body": body, **extra})
    assert resp.status_code == 200, resp.text
    return resp.json()["event_id"]


def room_messages(client: UserClient, room_id: str, **params: Any) -> dict[str, Any]:
    resp = client.get(f"/rooms/{room_id}/messages", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def joined_room_with(owner: UserClient, *members: UserClient, **body: Any) -> str:
    """A room created by `owner` that every other client has joined."""
    room_id = create_room(owner, invite=[m.user_id for m in members], **body)
    for member in members:
        resp = member.post(f"/join/{room_id}")
        assert resp.status_code == 200, resp.text
    return room_id


def set_state(client: UserClient, room_id: str, event_type: str, content: dict[str, Any],
              state_key: str = "") -> str:
    resp = client.put(f"/rooms/{room_id}/state/{event_type}/{state_key}", content)
    assert resp.status_code == 200, resp.text
    return resp.json()["event_id"]


def query_db(server: Any, sql: str, *args: Any) -> list[tuple]:
    """Read a server's SQLite file (read-only), for what no client API shows."""
    conn = sqlite3.connect(f"file:{server.data_dir / 'closedserver.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()
