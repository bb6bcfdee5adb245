"""Profiles (spec: "Profiles"): whole profile and single fields."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response


async def get_profile(request: Request) -> Response:
    """GET /_matrix/client/v3/profile/{userId}"""
    authenticate(request)
    profile = homeserver(request).profiles.get_profile(request.path_params["userId"])
    return json_response(profile)


async def get_profile_field(request: Request) -> Response:
    """GET /_matrix/client/v3/profile/{userId}/{keyName}"""
    authenticate(request)
    key = request.path_params["keyName"]
    value = homeserver(request).profiles.get_field(request.path_params["userId"], key)
    return json_response({key: value})


async def set_profile_field(request: Request) -> Response:
    """PUT /_matrix/client/v3/profile/{userId}/{keyName}"""
    requester = authenticate(request)
    requester.require_not_suspended()
    key = request.path_params["keyName"]
    body = await json_object(request)
    homeserver(request).profiles.set_field(
        requester.user_id, request.path_params["userId"], key, body.required(key))
    return empty_response()


async def delete_profile_field(request: Request) -> Response:
    """DELETE /_matrix/client/v3/profile/{userId}/{keyName}"""
    requester = authenticate(request)
    requester.require_not_suspended()
    homeserver(request).profiles.delete_field(
        requester.user_id, request.path_params["userId"], request.path_params["keyName"])
    return empty_response()
