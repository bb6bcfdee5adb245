"""The outermost ASGI layer: CORS headers, one access-log line per request, and a last
resort that turns any unexpected exception into 500 M_UNKNOWN (traceback only in the log).

Spec: Client-Server API, "Web Browser Clients" (CORS).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson

from closedserver.errors import ServerError

access_log = logging.getLogger("closedserver.access")
error_log = logging.getLogger("closedserver.errors")

CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-allow-methods", b"GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    (b"access-control-allow-headers", b"X-Requested-With, Content-Type, Authorization"),
]
_INTERNAL_ERROR = orjson.dumps(ServerError().to_json())

Scope = dict[str, Any]


class ServeMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await _send_simple(send, 204, b"")
            return
        started = time.perf_counter()
        status = 0

        async def send_with_cors(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *CORS_HEADERS]
            await send(message)

        try:
            await self.app(scope, receive, send_with_cors)
        except Exception:
            error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status == 0:
                status = 500
                await _send_simple(send, 500, _INTERNAL_ERROR)
        if access_log.isEnabledFor(logging.INFO):
            user = scope.get("state", {}).get("user_id", "-")
            client = scope.get("client") or ("-", 0)
            access_log.info("%s %s %s %s %d %.1fms", client[0], user, scope["method"],
                            scope["path"], status, (time.perf_counter() - started) * 1000)


async def _send_simple(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()), *CORS_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
