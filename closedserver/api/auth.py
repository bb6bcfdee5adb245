"""Access token from the request -> Requester (spec: "Using access tokens")."""

from __future__ import annotations

from starlette.requests import Request

from closedserver.errors import MissingToken
from closedserver.homeserver import HomeServer
from closedserver.services.sessions import Requester


def access_token_of(request: Request) -> str | None:
    """Token from `Authorization: Bearer ...` or, deprecated, the `access_token` parameter."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return request.query_params.get("access_token")


def homeserver(request: Request) -> HomeServer:
    return request.app.state.hs


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(request: Request, *, allow_locked: bool = False) -> Requester:
    """The requester, or 401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN / M_USER_LOCKED."""
    token = access_token_of(request)
    if token is None:
        raise MissingToken("Missing access token")
    requester = homeserver(request).sessions.authenticate(
        token, allow_locked=allow_locked, client_ip=client_ip(request))
    request.state.user_id = requester.user_id
    return requester
