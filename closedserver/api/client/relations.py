"""Event relationships and thread lists (spec: relations.yaml, threads_list.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import query_backwards, query_bool, query_int, query_str
from closedserver.api.responses import json_response
from closedserver.services.rooms.relations import DEFAULT_LIMIT, RelationsQuery
from closedserver.services.rooms.threads import DEFAULT_LIMIT as DEFAULT_THREADS


async def get_relating_events(request: Request) -> Response:
    """GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}/{relType}/{eventType}"""
    requester = authenticate(request)
    p = request.path_params
    recurse = query_bool(request, "recurse") if "recurse" in request.query_params else None
    query = RelationsQuery(
        rel_type=p.get("relType"), event_type=p.get("eventType"),
        from_token=query_str(request, "from"), to_token=query_str(request, "to"),
        limit=query_int(request, "limit", DEFAULT_LIMIT, minimum=0),
        backwards=query_backwards(request), recurse=recurse)
    return json_response(homeserver(request).relations.children(
        requester, p["roomId"], p["eventId"], query))


async def get_thread_roots(request: Request) -> Response:
    """GET /_matrix/client/v1/rooms/{roomId}/threads"""
    requester = authenticate(request)
    return json_response(homeserver(request).threads.list_threads(
        requester, request.path_params["roomId"],
        include=query_str(request, "include") or "all", from_token=query_str(request, "from"),
        limit=query_int(request, "limit", DEFAULT_THREADS)))
