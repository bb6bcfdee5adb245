"""Account data, global and per room (spec module "Client Config"), and room tags
(module "Room Tagging")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object, read_json
from closedserver.api.responses import empty_response, json_response


async def get_account_data(request: Request) -> Response:
    """GET /_matrix/client/v3/user/{userId}/account_data/{type}"""
    requester = authenticate(request)
    p = request.path_params
    content = homeserver(request).account_data.get(requester.user_id, p["userId"], p["type"])
    return json_response(content)


async def set_account_data(request: Request) -> Response:
    """PUT /_matrix/client/v3/user/{userId}/account_data/{type}"""
    requester = authenticate(request)
    p = request.path_params
    content = await read_json(request)
    homeserver(request).account_data.put(requester.user_id, p["userId"], p["type"], content)
    return empty_response()


async def get_room_account_data(request: Request) -> Response:
    """GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}"""
    requester = authenticate(request)
    p = request.path_params
    content = homeserver(request).account_data.get(
        requester.user_id, p["userId"], p["type"], room_id=p["roomId"])
    return json_response(content)


async def set_room_account_data(request: Request) -> Response:
    """PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}"""
    requester = authenticate(request)
    p = request.path_params
    content = await read_json(request)
    homeserver(request).account_data.put(
        requester.user_id, p["userId"], p["type"], content, room_id=p["roomId"])
    return empty_response()


async def get_room_tags(request: Request) -> Response:
    """GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags"""
    requester = authenticate(request)
    p = request.path_params
    return json_response(homeserver(request).tags.get_tags(requester.user_id, p["userId"],
                                                           p["roomId"]))


async def set_room_tag(request: Request) -> Response:
    """PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}"""
    requester = authenticate(request)
    p = request.path_params
    body = await json_object(request)
    homeserver(request).tags.set_tag(requester.user_id, p["userId"], p["roomId"], p["tag"],
                                     body.data)
    return empty_response()


async def delete_room_tag(request: Request) -> Response:
    """DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}"""
    requester = authenticate(request)
    p = request.path_params
    homeserver(request).tags.delete_tag(requester.user_id, p["userId"], p["roomId"], p["tag"])
    return empty_response()
