"""Server-side key backups (spec module "End-to-End Encryption", Key Backup API):
/room_keys/version[/{version}] and /room_keys/keys[/{roomId}[/{sessionId}]]."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object, query_str
from closedserver.api.responses import empty_response, json_response
from closedserver.errors import NotFound
from closedserver.services.e2ee.key_backup import check_session, room_sessions, rooms_sessions

# backup versions


async def post_room_keys_version(request: Request) -> Response:
    """POST /_matrix/client/v3/room_keys/version"""
    requester = authenticate(request)
    body = await json_object(request)
    version = homeserver(request).key_backup.create_version(
        requester.user_id, body.str("algorithm", required=True),
        body.dict("auth_data", required=True))
    return json_response({"version": version})


async def get_room_keys_version_current(request: Request) -> Response:
    """GET /_matrix/client/v3/room_keys/version"""
    requester = authenticate(request)
    return json_response(homeserver(request).key_backup.version_info(requester.user_id))


async def get_room_keys_version(request: Request) -> Response:
    """GET /_matrix/client/v3/room_keys/version/{version}"""
    requester = authenticate(request)
    return json_response(homeserver(request).key_backup.version_info(
        requester.user_id, request.path_params["version"]))


async def put_room_keys_version(request: Request) -> Response:
    """PUT /_matrix/client/v3/room_keys/version/{version}"""
    requester = authenticate(request)
    body = await json_object(request)
    homeserver(request).key_backup.update_version(
        requester.user_id, request.path_params["version"],
        body.str("algorithm", required=True), body.dict("auth_data", required=True),
        body.str("version"))
    return empty_response()


async def delete_room_keys_version(request: Request) -> Response:
    """DELETE /_matrix/client/v3/room_keys/version/{version}"""
    requester = authenticate(request)
    homeserver(request).key_backup.delete_version(requester.user_id,
                                                   request.path_params["version"])
    return empty_response()


# keys in a backup: all rooms


async def put_room_keys(request: Request) -> Response:
    """PUT /_matrix/client/v3/room_keys/keys"""
    requester = authenticate(request)
    version = query_str(request, "version", required=True)
    body = await json_object(request)
    sessions = rooms_sessions(body.dict("rooms", required=True))
    return json_response(homeserver(request).key_backup.put_keys(
        requester.user_id, version, sessions))


async def get_room_keys(request: Request) -> Response:
    """GET /_matrix/client/v3/room_keys/keys"""
    requester = authenticate(request)
    sessions = homeserver(request).key_backup.get_keys(
        requester.user_id, query_str(request, "version", required=True))
    rooms: dict[str, dict[str, dict[str, object]]] = {}
    for session in sessions:
        room = rooms.setdefault(session.room_id, {"sessions": {}})
        room["sessions"][session.session_id] = session.to_json()
    return json_response({"rooms": rooms})


async def delete_room_keys(request: Request) -> Response:
    """DELETE /_matrix/client/v3/room_keys/keys"""
    requester = authenticate(request)
    return json_response(homeserver(request).key_backup.delete_keys(
        requester.user_id, query_str(request, "version", required=True)))


# keys in a backup: one room


async def put_room_keys_by_room_id(request: Request) -> Response:
    """PUT /_matrix/client/v3/room_keys/keys/{roomId}"""
    requester = authenticate(request)
    version = query_str(request, "version", required=True)
    body = await json_object(request)
    sessions = room_sessions(request.path_params["roomId"],
                             body.dict("sessions", required=True))
    return json_response(homeserver(request).key_backup.put_keys(
        requester.user_id, version, sessions))


async def get_room_keys_by_room_id(request: Request) -> Response:
    """GET /_matrix/client/v3/room_keys/keys/{roomId}"""
    requester = authenticate(request)
    sessions = homeserver(request).key_backup.get_keys(
        requester.user_id, query_str(request, "version", required=True),
        request.path_params["roomId"])
    return json_response({"sessions": {s.session_id: s.to_json() for s in sessions}})


async def delete_room_keys_by_room_id(request: Request) -> Response:
    """DELETE /_matrix/client/v3/room_keys/keys/{roomId}"""
    requester = authenticate(request)
    return json_response(homeserver(request).key_backup.delete_keys(
        requester.user_id, query_str(request, "version", required=True),
        request.path_params["roomId"]))


# keys in a backup: one session


async def put_room_key_by_session_id(request: Request) -> Response:
    """PUT /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}"""
    requester = authenticate(request)
    version = query_str(request, "version", required=True)
    body = await json_object(request)
    session = check_session(request.path_params["roomId"], request.path_params["sessionId"],
                            body.data)
    return json_response(homeserver(request).key_backup.put_keys(
        requester.user_id, version, [session]))


async def get_room_key_by_session_id(request: Request) -> Response:
    """GET /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}"""
    requester = authenticate(request)
    sessions = homeserver(request).key_backup.get_keys(
        requester.user_id, query_str(request, "version", required=True),
        request.path_params["roomId"], request.path_params["sessionId"])
    if not sessions:
        raise NotFound("Key not found.")
    return json_response(sessions[0].to_json())


async def delete_room_key_by_session_id(request: Request) -> Response:
    """DELETE /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}"""
    requester = authenticate(request)
    return json_response(homeserver(request).key_backup.delete_keys(
        requester.user_id, query_str(request, "version", required=True),
        request.path_params["roomId"], request.path_params["sessionId"]))
