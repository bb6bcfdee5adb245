"""Account registration (spec: "Account registration", registration tokens)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import client_ip, homeserver
from closedserver.api.client.login import login_json
from closedserver.api.parsing import json_object, query_str
from closedserver.api.responses import json_response
from closedserver.errors import InvalidParam, UserInUse


async def register(request: Request) -> Response:
    """POST /_matrix/client/v3/register"""
    hs = homeserver(request)
    body = await json_object(request)
    kind = request.query_params.get("kind", "user")
    if kind not in ("user", "guest"):
        raise InvalidParam("kind must be 'user' or 'guest'")
    result = await hs.registration.register(
        kind=kind, username=body.str("username"), password=body.str("password"),
        auth=body.get("auth"), device_id=body.str("device_id"),
        device_name=body.str("initial_device_display_name"),
        inhibit_login=body.bool("inhibit_login"), want_refresh=body.bool("refresh_token"),
        client_ip=client_ip(request))
    if isinstance(result, str):
        return json_response({"user_id": result, "home_server": hs.server_name})
    return json_response(login_json(result, hs.server_name))


async def get_username_available(request: Request) -> Response:
    """GET /_matrix/client/v3/register/available"""
    hs = homeserver(request)
    hs.registration.ensure_enabled()
    hs.registration.per_address.check(client_ip(request))
    username = query_str(request, "username", required=True)
    if not hs.accounts.is_available(username):
        raise UserInUse("That user ID is already taken")
    return json_response({"available": True})


async def get_registration_token_validity(request: Request) -> Response:
    """GET /_matrix/client/v1/register/m.login.registration_token/validity"""
    hs = homeserver(request)
    hs.registration.per_address.check(client_ip(request))
    token = query_str(request, "token", required=True)
    return json_response({"valid": hs.registration.check_token_validity(token)})
