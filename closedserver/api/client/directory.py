"""Room aliases and the published room directory (spec: directory.yaml,
list_public_rooms.yaml).

GET /publicRooms needs an access token here although the spec allows anonymous reads: a
closed server does not show its rooms to the internet (Synapse's default too).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object, query_int, query_str
from closedserver.api.responses import empty_response, json_response
from closedserver.errors import BadJson
from closedserver.services.rooms.public_rooms import PublicRoomsQuery, check_room_types


async def get_room_id_by_alias(request: Request) -> Response:
    """GET /_matrix/client/v3/directory/room/{roomAlias}"""
    alias = request.path_params["roomAlias"]
    return json_response(homeserver(request).room_directory.resolve_alias(alias))


async def set_room_alias(request: Request) -> Response:
    """PUT /_matrix/client/v3/directory/room/{roomAlias}"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).room_directory.create_alias(
        requester, request.path_params["roomAlias"], body.str("room_id", required=True))
    return empty_response()


async def delete_room_alias(request: Request) -> Response:
    """DELETE /_matrix/client/v3/directory/room/{roomAlias}"""
    requester = authenticate(request)
    homeserver(request).room_directory.delete_alias(requester,
                                                    request.path_params["roomAlias"])
    return empty_response()


async def get_local_aliases(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/aliases"""
    requester = authenticate(request)
    aliases = homeserver(request).room_directory.local_aliases(requester,
                                                               request.path_params["roomId"])
    return json_response({"aliases": aliases})


async def get_room_visibility_on_directory(request: Request) -> Response:
    """GET /_matrix/client/v3/directory/list/room/{roomId}"""
    visibility = homeserver(request).room_directory.visibility(request.path_params["roomId"])
    return json_response({"visibility": visibility})


async def set_room_visibility_on_directory(request: Request) -> Response:
    """PUT /_matrix/client/v3/directory/list/room/{roomId}"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).room_directory.set_visibility(
        requester, request.path_params["roomId"], body.str("visibility", default="public"))
    return empty_response()


async def get_public_rooms(request: Request) -> Response:
    """GET /_matrix/client/v3/publicRooms"""
    authenticate(request)
    query = PublicRoomsQuery(limit=query_int(request, "limit"),
                             since=query_str(request, "since"))
    return json_response(homeserver(request).public_rooms.list_rooms(
        query, server=query_str(request, "server")))


async def query_public_rooms(request: Request) -> Response:
    """POST /_matrix/client/v3/publicRooms"""
    authenticate(request)
    body = await json_object(request)
    room_filter = body.dict("filter", default={})
    term = room_filter.get("generic_search_term")
    if term is not None and not isinstance(term, str):
        raise BadJson("filter.generic_search_term must be a string")
    query = PublicRoomsQuery(
        limit=body.int("limit"), since=body.str("since"), search_term=term,
        room_types=check_room_types(room_filter.get("room_types")))
    return json_response(homeserver(request).public_rooms.list_rooms(
        query, server=query_str(request, "server")))
