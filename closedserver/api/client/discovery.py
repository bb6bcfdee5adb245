"""Server discovery and feature negotiation: /versions, .well-known, /capabilities."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from closedserver.api.auth import authenticate, homeserver
from closedserver.api.responses import json_response
from closedserver.matrix.room_versions import DEFAULT_ROOM_VERSION, KNOWN_ROOM_VERSIONS

SUPPORTED_VERSIONS = [f"v1.{minor}" for minor in range(1, 13)]
ROOM_VERSIONS = {identifier: "stable" for identifier in KNOWN_ROOM_VERSIONS}


async def get_versions(request: Request) -> Response:
    """GET /_matrix/client/versions"""
    return json_response({"versions": SUPPORTED_VERSIONS, "unstable_features": {}})


async def get_wellknown_client(request: Request) -> Response:
    """GET /.well-known/matrix/client"""
    base_url = homeserver(request).config.base_url.rstrip("/")
    return json_response({"m.homeserver": {"base_url": base_url}})


async def get_capabilities(request: Request) -> Response:
    """GET /_matrix/client/v3/capabilities"""
    authenticate(request)
    return json_response({"capabilities": {
        "m.change_password": {"enabled": True},
        "m.room_versions": {"default": DEFAULT_ROOM_VERSION, "available": ROOM_VERSIONS},
        "m.set_displayname": {"enabled": True},
        "m.set_avatar_url": {"enabled": True},
        "m.3pid_changes": {"enabled": False},
        "m.get_login_token": {"enabled": False},
        "m.profile_fields": {"enabled": True},
    }})
