"""Reading rooms: state, events, members, history and context (spec: room_state.yaml,
rooms.yaml, message_pagination.yaml, event_context.yaml, room_event_by_timestamp.yaml)."""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import query_backwards, query_int, query_str
from closedserver.api.responses import json_response
from closedserver.errors import BadJson
from closedserver.services.filtering import RoomEventFilter


def _room_event_filter(request: Request) -> RoomEventFilter:
    text = request.query_params.get("filter")
    if not text:
        return RoomEventFilter()
    try:
        return RoomEventFilter.parse(orjson.loads(text))
    except orjson.JSONDecodeError:
        raise BadJson("filter is not valid JSON") from None


async def get_room_state(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/state"""
    requester = authenticate(request)
    return json_response(homeserver(request).room_reader.get_state(
        requester, request.path_params["roomId"]))


async def get_room_state_event(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}"""
    requester = authenticate(request)
    p = request.path_params
    reader = homeserver(request).room_reader
    stored = reader.get_state_event(requester, p["roomId"], p["eventType"],
                                    p.get("stateKey", ""))
    if request.query_params.get("format") == "event":
        return json_response(reader.serializer.serialize_one(stored, user_id=requester.user_id,
                                                             aggregations=False))
    return json_response(dict(stored.event.content))


async def get_one_room_event(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}"""
    requester = authenticate(request)
    p = request.path_params
    return json_response(homeserver(request).room_reader.get_event(
        requester, p["roomId"], p["eventId"]))


async def get_members_by_room(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/members"""
    requester = authenticate(request)
    chunk = homeserver(request).room_reader.members(
        requester, request.path_params["roomId"], at=query_str(request, "at"),
        membership=query_str(request, "membership"),
        not_membership=query_str(request, "not_membership"))
    return json_response({"chunk": chunk})


async def get_joined_members_by_room(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/joined_members"""
    requester = authenticate(request)
    joined = homeserver(request).room_reader.joined_members(requester,
                                                            request.path_params["roomId"])
    return json_response({"joined": joined})


async def get_room_events(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/messages"""
    requester = authenticate(request)
    page = homeserver(request).room_reader.messages(
        requester, request.path_params["roomId"], from_token=query_str(request, "from"),
        to_token=query_str(request, "to"), backwards=query_backwards(request),
        limit=query_int(request, "limit", 10, minimum=0), event_filter=_room_event_filter(request))
    body = {"chunk": page.chunk, "start": page.start}
    if page.end is not None:
        body["end"] = page.end
    if page.state:
        body["state"] = page.state
    return json_response(body)


async def get_event_context(request: Request) -> Response:
    """GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}"""
    requester = authenticate(request)
    p = request.path_params
    return json_response(homeserver(request).room_reader.context(
        requester, p["roomId"], p["eventId"], limit=query_int(request, "limit", 10, minimum=0),
        event_filter=_room_event_filter(request)))


async def get_event_by_timestamp(request: Request) -> Response:
    """GET /_matrix/client/v1/rooms/{roomId}/timestamp_to_event"""
    requester = authenticate(request)
    ts = query_int(request, "ts", required=True)
    forwards = not query_backwards(request, required=True)
    stored = homeserver(request).room_reader.event_at_timestamp(
        requester, request.path_params["roomId"], ts, forwards=forwards)
    return json_response({"event_id": stored.event_id,
                          "origin_server_ts": stored.event.origin_server_ts})
