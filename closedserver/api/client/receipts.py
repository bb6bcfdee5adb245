"""Receipts and read markers (spec: receipts.yaml, read_markers.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response
from closedserver.services.receipts import FULLY_READ, READ, READ_PRIVATE


async def post_receipt(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}"""
    requester = authenticate(request)
    p = request.path_params
    body = await json_object(request)
    homeserver(request).receipts.post_receipt(requester.user_id, p["roomId"],
                                              p["receiptType"], p["eventId"],
                                              body.get("thread_id"))
    return empty_response()


async def set_read_marker(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/read_markers"""
    requester = authenticate(request)
    body = await json_object(request)
    markers = {kind: body.str(kind) for kind in (FULLY_READ, READ, READ_PRIVATE)}
    homeserver(request).receipts.set_read_markers(requester.user_id,
                                                  request.path_params["roomId"], markers)
    return empty_response()
