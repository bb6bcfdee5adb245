"""Reporting content to the server admins (spec: report_content.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response


async def report_event(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/report/{eventId}"""
    requester = authenticate(request)
    body = await json_object(request)
    p = request.path_params
    homeserver(request).reports.report_event(requester, p["roomId"], p["eventId"],
                                             body.str("reason"), body.int("score"))
    return empty_response()


async def report_room(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/report"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).reports.report_room(requester, request.path_params["roomId"],
                                            body.str("reason", required=True))
    return empty_response()


async def report_user(request: Request) -> Response:
    """POST /_matrix/client/v3/users/{userId}/report"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).reports.report_user(requester, request.path_params["userId"],
                                            body.str("reason", required=True))
    return empty_response()
