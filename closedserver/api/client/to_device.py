"""Send-to-device messaging (spec module "Send-to-Device messaging")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response


async def send_to_device(request: Request) -> Response:
    """PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}"""
    requester = authenticate(request)
    body = await json_object(request)
    messages = body.dict("messages", required=True)
    homeserver(request).to_device.send(
        requester.user_id, requester.device_id, request.path_params["txnId"],
        request.path_params["eventType"], messages)
    return empty_response()
