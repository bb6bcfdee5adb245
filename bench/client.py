"""An async Matrix Client-Server API client, just wide enough for the scenarios.

Every request goes through one httpx.AsyncClient per homeserver: HTTP/1.1 with a
keep-alive connection pool large enough that each simulated user (and each parked
/sync) has a connection of its own, as real clients would.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import httpx

from bench.tokens import Account, account_from_answer, dummy_auth, password_login_body

CLIENT_API = "/_matrix/client/v3"
POOL_SIZE = 256
MESSAGE_FILLER = "lorem ipsum dolor sit amet, consectetur adipiscing elit " * 2


class MatrixError(RuntimeError):
    """A non-2xx answer, kept with its status and errcode."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        self.status = status
        try:
            self.errcode = json.loads(body).get("errcode", "")
        except (ValueError, AttributeError):
            self.errcode = ""
        super().__init__(f"{method} {path} -> {status} {body[:300]}")


def make_http_client(base_url: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE)
    timeout = httpx.Timeout(120.0, connect=10.0)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout, http2=False)


def message_content(seq: int, run_tag: str) -> dict[str, Any]:
    """A ~150-byte m.text message body; `bench_seq` lets receivers recognise it."""
    return {
        "msgtype": "m.text",
        "body": f"bench message {seq} {MESSAGE_FILLER}",
        "bench_seq": seq,
        "bench_run": run_tag,
    }


class MatrixClient:
    """Client-Server API calls; each returns the decoded JSON answer or raises MatrixError."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self._txn_counter = 0
        self.last_answer_bytes = 0

    async def request(
        self,
        method: str,
        path: str,
        account: Account | None = None,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        headers = account.auth_headers() if account else None
        answer = await self.http.request(method, path, json=body, params=params, headers=headers)
        if answer.status_code >= 300:
            raise MatrixError(method, path, answer.status_code, answer.text)
        self.last_answer_bytes = len(answer.content)
        return answer.json()

    async def versions(self) -> dict[str, Any]:
        return await self.request("GET", "/_matrix/client/versions")

    async def register(self, localpart: str, password: str) -> Account:
        """Open registration: POST /register, then complete the m.login.dummy stage."""
        path = f"{CLIENT_API}/register"
        body: dict[str, Any] = {"username": localpart, "password": password}
        body["initial_device_display_name"] = "bench"
        first = await self.http.post(path, json=body)
        if first.status_code == 401:
            body["auth"] = dummy_auth(first.json())
            first = await self.http.post(path, json=body)
        if first.status_code >= 300:
            raise MatrixError("POST", path, first.status_code, first.text)
        return account_from_answer(first.json(), password)

    async def login(self, localpart: str, password: str) -> Account:
        body = password_login_body(localpart, password, "bench")
        answer = await self.request("POST", f"{CLIENT_API}/login", body=body)
        return account_from_answer(answer, password)

    async def create_room(self, account: Account, name: str) -> str:
        body = {"preset": "public_chat", "name": name}
        answer = await self.request("POST", f"{CLIENT_API}/createRoom", account, body)
        return answer["room_id"]

    async def join(self, account: Account, room_id: str) -> None:
        await self.request("POST", f"{CLIENT_API}/join/{quote(room_id)}", account, {})

    async def send_message(self, account: Account, room_id: str, content: dict[str, Any]) -> str:
        self._txn_counter += 1
        txn_id = f"b{time.monotonic_ns()}.{self._txn_counter}"
        path = f"{CLIENT_API}/rooms/{quote(room_id)}/send/m.room.message/{txn_id}"
        answer = await self.request("PUT", path, account, content)
        return answer["event_id"]

    async def sync(
        self,
        account: Account,
        since: str | None = None,
        timeout_ms: int = 0,
        filter_json: str | None = None,
    ) -> dict[str, Any]:
        params = {"timeout": str(timeout_ms)}
        if since:
            params["since"] = since
        if filter_json:
            params["filter"] = filter_json
        return await self.request("GET", f"{CLIENT_API}/sync", account, params=params)

    async def messages(
        self, account: Account, room_id: str, from_token: str | None, limit: int
    ) -> dict[str, Any]:
        params = {"dir": "b", "limit": str(limit)}
        if from_token:
            params["from"] = from_token
        path = f"{CLIENT_API}/rooms/{quote(room_id)}/messages"
        return await self.request("GET", path, account, params=params)
