"""Room creation, sending, state and redaction endpoints (spec: create_room.yaml,
room_send.yaml, room_state.yaml, redaction.yaml)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import json_response
from closedserver.errors import BadJson, InvalidParam
from closedserver.services.rooms.creation import RoomRequest


async def create_room(request: Request) -> Response:
    """POST /_matrix/client/v3/createRoom"""
    requester = authenticate(request)
    requester.require_not_suspended()
    body = await json_object(request)
    visibility = body.str("visibility", default="private")
    if visibility not in ("public", "private"):
        raise BadJson("visibility must be 'public' or 'private'")
    if body.list("invite_3pid"):
        raise InvalidParam("Third-party (email or phone) invites are not supported here")
    room_request = RoomRequest(
        visibility=visibility, preset=body.str("preset"),
        room_alias_name=body.str("room_alias_name"), name=body.str("name"),
        topic=body.str("topic"), invite=body.str_list("invite") or [],
        is_direct=body.bool("is_direct"), initial_state=body.list("initial_state") or [],
        power_level_content_override=body.dict("power_level_content_override"),
        creation_content=body.dict("creation_content") or {},
        room_version=body.str("room_version"))
    room_id, alias = homeserver(request).room_creation.create_room(requester.user_id,
                                                                   room_request)
    return json_response({"room_id": room_id, **({"room_alias": alias} if alias else {})})


async def send_message(request: Request) -> Response:
    """PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}"""
    requester = authenticate(request)
    p = request.path_params
    content = (await json_object(request)).data
    event_id = homeserver(request).sending.send_message(
        requester, p["roomId"], p["eventType"], p["txnId"], content)
    return json_response({"event_id": event_id})


async def set_room_state(request: Request) -> Response:
    """PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}"""
    requester = authenticate(request)
    requester.require_not_suspended()
    p = request.path_params
    content = (await json_object(request)).data
    event_id = homeserver(request).sending.set_state(
        requester, p["roomId"], p["eventType"], p.get("stateKey", ""), content)
    return json_response({"event_id": event_id})


async def redact_event(request: Request) -> Response:
    """PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}"""
    requester = authenticate(request)
    p = request.path_params
    body = await json_object(request)
    event_id = homeserver(request).sending.redact(
        requester, p["roomId"], p["eventId"], p["txnId"], body.str("reason"))
    return json_response({"event_id": event_id})
