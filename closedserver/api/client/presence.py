"""Presence (spec: presence.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response


async def set_presence(request: Request) -> Response:
    """PUT /_matrix/client/v3/presence/{userId}/status"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).presence.set_status(requester.user_id, request.path_params["userId"],
                                            body.required("presence"), body.get("status_msg"))
    return empty_response()


async def get_presence(request: Request) -> Response:
    """GET /_matrix/client/v3/presence/{userId}/status"""
    requester = authenticate(request)
    return json_response(homeserver(request).presence.get_status(
        requester.user_id, request.path_params["userId"]))
