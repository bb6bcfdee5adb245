"""The spec's server-admin endpoints (spec: admin.yaml): whois, account locking and
suspension. Only server admins may call them (the CLI does the same without HTTP)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import json_response
from closedserver.errors import Forbidden, InvalidParam, NotFound
from closedserver.homeserver import HomeServer
from closedserver.services.sessions import Requester
from closedserver.storage.accounts import User


def _target(request: Request, requester: Requester, *, allow_self: bool = False) -> User:
    hs: HomeServer = homeserver(request)
    user_id = request.path_params["userId"]
    if not requester.is_admin and not (allow_self and user_id == requester.user_id):
        raise Forbidden("Only server admins may do this")
    if not hs.accounts.is_local(user_id):
        raise InvalidParam(f"{user_id} is not a user of this server")
    user = hs.accounts.get_user(user_id)
    if user.deactivated:
        raise NotFound(f"No such user: {user_id}")
    return user


async def get_who_is(request: Request) -> Response:
    """GET /_matrix/client/v3/admin/whois/{userId}"""
    requester = authenticate(request)
    user_id = _target(request, requester, allow_self=True).user_id
    devices = homeserver(request).accounts.list_devices(user_id)
    return json_response({"user_id": user_id, "devices": {
        d.device_id: {"sessions": [{"connections": [
            {"ip": d.last_seen_ip, "last_seen": d.last_seen_ts}] if d.last_seen_ts else []}]}
        for d in devices}})


async def get_admin_lock_user(request: Request) -> Response:
    """GET /_matrix/client/v1/admin/lock/{userId}"""
    return json_response({"locked": _target(request, authenticate(request)).locked})


async def set_admin_lock_user(request: Request) -> Response:
    """PUT /_matrix/client/v1/admin/lock/{userId}"""
    return await _restrict(request, "locked", homeserver(request).accounts.set_locked)


async def get_admin_suspend_user(request: Request) -> Response:
    """GET /_matrix/client/v1/admin/suspend/{userId}"""
    return json_response({"suspended": _target(request, authenticate(request)).suspended})


async def set_admin_suspend_user(request: Request) -> Response:
    """PUT /_matrix/client/v1/admin/suspend/{userId}"""
    return await _restrict(request, "suspended", homeserver(request).accounts.set_suspended)


async def _restrict(request: Request, flag: str, apply: Callable[[str, bool], None]) -> Response:
    """Set or lift a lock or suspension (body `{flag: bool}`). Admins cannot be restricted
    (spec: 403 for oneself or another admin; only admins get this far)."""
    user = _target(request, authenticate(request))
    value = (await json_object(request)).bool(flag, required=True)
    if value and user.is_admin:
        raise Forbidden("Admins cannot be locked or suspended (yourself included)")
    apply(user.user_id, value)
    return json_response({flag: value})
