"""Filters (spec: filter.yaml): upload one, read it back by ID."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import read_json
from closedserver.api.responses import json_response


async def define_filter(request: Request) -> Response:
    """POST /_matrix/client/v3/user/{userId}/filter"""
    requester = authenticate(request)
    data = await read_json(request)
    filter_id = homeserver(request).filters.create(requester.user_id,
                                                   request.path_params["userId"], data)
    return json_response({"filter_id": filter_id})


async def get_filter(request: Request) -> Response:
    """GET /_matrix/client/v3/user/{userId}/filter/{filterId}"""
    requester = authenticate(request)
    p = request.path_params
    return json_response(homeserver(request).filters.get(requester.user_id, p["userId"],
                                                         p["filterId"]))
