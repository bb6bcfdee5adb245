"""Pusher endpoints (CS API "Client behaviour" of the push module, pusher.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response
from closedserver.errors import BadJson
from closedserver.services.push.pushers import PusherRequest


async def get_pushers(request: Request) -> Response:
    """GET /_matrix/client/v3/pushers"""
    requester = authenticate(request)
    return json_response({"pushers": homeserver(request).pushers.list_pushers(
        requester.user_id)})


async def post_pusher(request: Request) -> Response:
    """POST /_matrix/client/v3/pushers/set"""
    requester = authenticate(request)
    body = await json_object(request)
    kind = body.required("kind")
    if kind is not None and not isinstance(kind, str):
        raise BadJson("'kind' must be a string or null")
    pusher = PusherRequest(
        kind=kind, app_id=body.str("app_id", required=True),
        pushkey=body.str("pushkey", required=True),
        app_display_name=body.str("app_display_name"),
        device_display_name=body.str("device_display_name"),
        profile_tag=body.str("profile_tag"), lang=body.str("lang"), data=body.dict("data"),
        append=body.bool("append"))
    await homeserver(request).pushers.set_pusher(requester.user_id, pusher)
    return empty_response()
