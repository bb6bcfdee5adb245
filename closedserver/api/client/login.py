"""Login, token refresh and logout (spec: "Login", "Refreshing access tokens", "Logout")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, client_ip, homeserver
from closedserver.api.parsing import json_object
from closedserver.api.responses import empty_response, json_response
from closedserver.errors import MatrixError
from closedserver.services.accounts import LoginResult, login_identifier_user
from closedserver.services.sessions import IssuedTokens

PASSWORD_LOGIN = "m.login.password"


class UnknownLoginType(MatrixError):
    """400 M_UNKNOWN: the spec's answer for a login type or identifier it cannot handle."""

    errcode = "M_UNKNOWN"
    status = 400


def tokens_json(tokens: IssuedTokens) -> dict[str, object]:
    body: dict[str, object] = {"access_token": tokens.access_token}
    if tokens.refresh_token is not None:
        body["refresh_token"] = tokens.refresh_token
    if tokens.expires_in_ms is not None:
        body["expires_in_ms"] = tokens.expires_in_ms
    return body


def login_json(result: LoginResult, server_name: str) -> dict[str, object]:
    return {"user_id": result.user_id, "device_id": result.device_id,
            "home_server": server_name, **tokens_json(result.tokens)}


async def get_login_flows(request: Request) -> Response:
    """GET /_matrix/client/v3/login"""
    return json_response({"flows": [{"type": PASSWORD_LOGIN}]})


async def login(request: Request) -> Response:
    """POST /_matrix/client/v3/login"""
    hs = homeserver(request)
    body = await json_object(request)
    login_type = body.str("type", required=True)
    if login_type != PASSWORD_LOGIN:
        raise UnknownLoginType(f"Unsupported login type {login_type!r}: use {PASSWORD_LOGIN}")
    user = login_identifier_user(body.data)
    if user is None:
        raise UnknownLoginType("Only the m.id.user identifier is supported")
    password = body.str("password", required=True)
    hs.login_per_address.check(client_ip(request))
    result = await hs.accounts.login_with_password(
        user, password, device_id=body.str("device_id"),
        device_name=body.str("initial_device_display_name"),
        want_refresh=body.bool("refresh_token"))
    return json_response(login_json(result, hs.server_name))


async def refresh(request: Request) -> Response:
    """POST /_matrix/client/v3/refresh"""
    body = await json_object(request)
    tokens = homeserver(request).sessions.refresh(body.str("refresh_token", required=True))
    return json_response(tokens_json(tokens))


async def logout(request: Request) -> Response:
    """POST /_matrix/client/v3/logout"""
    requester = authenticate(request, allow_locked=True)
    homeserver(request).accounts.delete_devices(requester.user_id, [requester.device_id])
    return empty_response()


async def logout_all(request: Request) -> Response:
    """POST /_matrix/client/v3/logout/all"""
    requester = authenticate(request, allow_locked=True)
    homeserver(request).accounts.logout_all(requester.user_id)
    return empty_response()
