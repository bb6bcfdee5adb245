"""Account management: whoami, password change, deactivation (spec: "Account management")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response
from closedserver.services.uia import STAGE_PASSWORD


async def whoami(request: Request) -> Response:
    """GET /_matrix/client/v3/account/whoami"""
    requester = authenticate(request)
    return json_response({"user_id": requester.user_id, "device_id": requester.device_id,
                          "is_guest": False})


async def change_password(request: Request) -> Response:
    """POST /_matrix/client/v3/account/password"""
    hs = homeserver(request)
    requester = authenticate(request)
    body = await json_object(request)
    new_password = body.str("new_password", required=True)
    hs.accounts.passwords.check_strength(new_password)
    await hs.uia.authenticate(body.get("auth"), operation="change_password",
                              flows=[[STAGE_PASSWORD]], user_id=requester.user_id)
    await hs.accounts.set_password(
        requester.user_id, new_password, logout_devices=body.bool("logout_devices",
                                                                  default=True),
        keep_device_id=requester.device_id)
    return empty_response()


async def deactivate(request: Request) -> Response:
    """POST /_matrix/client/v3/account/deactivate"""
    hs = homeserver(request)
    requester = authenticate(request)
    body = await json_object(request)
    await hs.uia.authenticate(body.get("auth"), operation="deactivate",
                              flows=[[STAGE_PASSWORD]], user_id=requester.user_id)
    hs.deactivation.deactivate(requester.user_id, erase=body.bool("erase"))
    return json_response({"id_server_unbind_result": "success"})


async def get_account_3pids(request: Request) -> Response:
    """GET /_matrix/client/v3/account/3pid"""
    authenticate(request)
    # This server keeps no third-party identifiers (email, phone): the list is empty.
    return json_response({"threepids": []})
