"""Typing notifications (spec: typing.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response


async def set_typing(request: Request) -> Response:
    """PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}"""
    requester = authenticate(request)
    p = request.path_params
    body = await json_object(request)
    homeserver(request).typing.set_typing(requester.user_id, p["userId"], p["roomId"],
                                          body.bool("typing", required=True),
                                          body.int("timeout"))
    return empty_response()
