"""Room upgrades (spec: room_upgrades.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import json_response


async def upgrade_room(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/upgrade"""
    requester = authenticate(request)
    body = await json_object(request)
    new_room_id = homeserver(request).room_upgrades.upgrade(
        requester, request.path_params["roomId"], body.str("new_version", required=True),
        body.list("additional_creators"))
    return json_response({"replacement_room": new_room_id})
