"""Space hierarchies and room summaries (spec: space_hierarchy.yaml, room_summary.yaml).

`/room_summary` may be called without an access token; then only rooms anyone may preview
(public or knockable join rule, or world-readable history) are summarised.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import access_token_of, authenticate, homeserver
from closedserver.api.parsing import query_bool, query_int, query_str
from closedserver.api.responses import json_response
from closedserver.services.rooms.hierarchy import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_DEPTH,
    HierarchyQuery,
)


async def get_space_hierarchy(request: Request) -> Response:
    """GET /_matrix/client/v1/rooms/{roomId}/hierarchy"""
    requester = authenticate(request)
    query = HierarchyQuery(
        suggested_only=query_bool(request, "suggested_only"),
        limit=query_int(request, "limit", DEFAULT_LIMIT),
        max_depth=query_int(request, "max_depth", DEFAULT_MAX_DEPTH),
        from_token=query_str(request, "from"))
    return json_response(homeserver(request).space_hierarchy.hierarchy(
        requester.user_id, request.path_params["roomId"], query))


async def get_room_summary(request: Request) -> Response:
    """GET /_matrix/client/v1/room_summary/{roomIdOrAlias}"""
    user_id = authenticate(request).user_id if access_token_of(request) else None
    return json_response(homeserver(request).space_hierarchy.summary(
        user_id, request.path_params["roomIdOrAlias"]))
