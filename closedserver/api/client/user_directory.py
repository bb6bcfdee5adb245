"""User directory search (spec: users.yaml, "User Directory")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import json_response


async def search_user_directory(request: Request) -> Response:
    """POST /_matrix/client/v3/user_directory/search"""
    requester = authenticate(request)
    body = await json_object(request)
    return json_response(homeserver(request).user_directory.search(
        requester.user_id, body.str("search_term", required=True), body.int("limit")))
