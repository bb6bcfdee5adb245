"""JSON responses rendered with orjson (faster than the json module on every reply)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(content: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(content, status_code=status)


EMPTY = b"{}"


def empty_response() -> Response:
    """`{}`, the spec's answer for most successful writes."""
    return Response(EMPTY, media_type="application/json")
