"""Membership endpoints (spec: joining.yaml, inviting.yaml, leaving.yaml, kicking.yaml,
banning.yaml, knocking.yaml, list_joined_rooms.yaml)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response


async def join_room_by_id_or_alias(request: Request) -> Response:
    """POST /_matrix/client/v3/join/{roomIdOrAlias}"""
    return await _enter(request, "roomIdOrAlias", homeserver(request).membership.join)


async def join_room(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/join"""
    return await _enter(request, "roomId", homeserver(request).membership.join)


async def invite_user(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/invite"""
    requester = authenticate(request)
    requester.require_not_suspended()
    body = await json_object(request)
    homeserver(request).membership.invite(
        requester.user_id, request.path_params["roomId"], body.str("user_id", required=True),
        reason=body.str("reason"))
    return empty_response()


async def leave_room(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/leave"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).membership.leave(requester.user_id, request.path_params["roomId"],
                                         reason=body.str("reason"))
    return empty_response()


async def forget_room(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/forget"""
    requester = authenticate(request)
    homeserver(request).membership.forget(requester.user_id, request.path_params["roomId"])
    return empty_response()


async def kick(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/kick"""
    return await _moderate(request, homeserver(request).membership.kick)


async def ban(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/ban"""
    return await _moderate(request, homeserver(request).membership.ban)


async def unban(request: Request) -> Response:
    """POST /_matrix/client/v3/rooms/{roomId}/unban"""
    return await _moderate(request, homeserver(request).membership.unban)


async def _moderate(request: Request, action: Callable[..., None]) -> Response:
    """Kick, ban or unban: the same body (`user_id`, `reason`) and checks."""
    requester = authenticate(request)
    requester.require_not_suspended()
    body = await json_object(request)
    action(requester.user_id, request.path_params["roomId"],
           body.str("user_id", required=True), reason=body.str("reason"))
    return empty_response()


async def knock_room(request: Request) -> Response:
    """POST /_matrix/client/v3/knock/{roomIdOrAlias}"""
    return await _enter(request, "roomIdOrAlias", homeserver(request).membership.knock)


async def _enter(request: Request, room_param: str, action: Callable[..., str]) -> Response:
    """Join or knock: the same body (`reason`), checks and answer (`room_id`)."""
    requester = authenticate(request)
    requester.require_not_suspended()
    body = await json_object(request)
    room_id = action(requester.user_id, request.path_params[room_param],
                     reason=body.str("reason"))
    return json_response({"room_id": room_id})


async def get_joined_rooms(request: Request) -> Response:
    """GET /_matrix/client/v3/joined_rooms"""
    requester = authenticate(request)
    return json_response({"joined_rooms": homeserver(request).membership.joined_rooms(
        requester.user_id)})
