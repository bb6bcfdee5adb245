"""The route table: one line per endpoint, no logic.

Federation routes (`/_matrix/federation`, `/_matrix/key`) are added only when federation is
enabled; otherwise those paths answer 404 M_UNRECOGNIZED like any unknown path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from closedserver.api.client import (
    account,
    account_data,
    devices,
    discovery,
    login,
    media,
    media_download,
    profile,
    register,
)
from closedserver.config import Config

Endpoint = Callable[[Request], Awaitable[Response]]
C3 = "/_matrix/client/v3"
C1 = "/_matrix/client/v1"
MEDIA1 = "/_matrix/client/v1/media"
MEDIA3 = "/_matrix/media/v3"


def route(method: str, path: str, endpoint: Endpoint) -> Route:
    return Route(path, endpoint, methods=[method])


CLIENT_ROUTES = [
    route("GET", "/.well-known/matrix/client", discovery.get_wellknown_client),
    route("GET", "/_matrix/client/versions", discovery.get_versions),
    route("GET", f"{C3}/capabilities", discovery.get_capabilities),
    # login, registration, sessions
    route("GET", f"{C3}/login", login.get_login_flows),
    route("POST", f"{C3}/login", login.login),
    route("POST", f"{C3}/refresh", login.refresh),
    route("POST", f"{C3}/logout", login.logout),
    route("POST", f"{C3}/logout/all", login.logout_all),
    route("POST", f"{C3}/register", register.register),
    route("GET", f"{C3}/register/available", register.get_username_available),
    route("GET", f"{C1}/register/m.login.registration_token/validity",
          register.get_registration_token_validity),
    # account
    route("GET", f"{C3}/account/whoami", account.whoami),
    route("POST", f"{C3}/account/password", account.change_password),
    route("POST", f"{C3}/account/deactivate", account.deactivate),
    # devices
    route("GET", f"{C3}/devices", devices.get_devices),
    route("GET", f"{C3}/devices/{{deviceId}}", devices.get_device),
    route("PUT", f"{C3}/devices/{{deviceId}}", devices.update_device),
    route("DELETE", f"{C3}/devices/{{deviceId}}", devices.delete_device),
    route("POST", f"{C3}/delete_devices", devices.delete_devices),
    # profile
    route("GET", f"{C3}/profile/{{userId}}", profile.get_profile),
    route("GET", f"{C3}/profile/{{userId}}/{{keyName}}", profile.get_profile_field),
    route("PUT", f"{C3}/profile/{{userId}}/{{keyName}}", profile.set_profile_field),
    route("DELETE", f"{C3}/profile/{{userId}}/{{keyName}}", profile.delete_profile_field),
    # account data
    route("GET", f"{C3}/user/{{userId}}/account_data/{{type}}", account_data.get_account_data),
    route("PUT", f"{C3}/user/{{userId}}/account_data/{{type}}", account_data.set_account_data),
    route("GET", f"{C3}/user/{{userId}}/rooms/{{roomId}}/account_data/{{type}}",
          account_data.get_room_account_data),
    route("PUT", f"{C3}/user/{{userId}}/rooms/{{roomId}}/account_data/{{type}}",
          account_data.set_room_account_data),
    # media (content repository)
    route("POST", f"{MEDIA3}/upload", media.upload_content),
    route("POST", "/_matrix/media/v1/create", media.create_content),
    route("PUT", f"{MEDIA3}/upload/{{serverName}}/{{mediaId}}", media.upload_content_to_mxc),
    route("GET", f"{MEDIA1}/config", media.get_config),
    route("GET", f"{MEDIA1}/preview_url", media.get_url_preview),
    route("GET", f"{MEDIA1}/download/{{serverName}}/{{mediaId}}", media_download.get_content),
    route("GET", f"{MEDIA1}/download/{{serverName}}/{{mediaId}}/",
          media_download.get_content_empty_name),
    route("GET", f"{MEDIA1}/download/{{serverName}}/{{mediaId}}/{{fileName}}",
          media_download.get_content_override_name),
    route("GET", f"{MEDIA1}/thumbnail/{{serverName}}/{{mediaId}}",
          media_download.get_content_thumbnail),
    # media, deprecated paths (new media frozen out: media.freeze_unauthenticated)
    route("GET", f"{MEDIA3}/config", media.get_config_legacy),
    route("GET", f"{MEDIA3}/preview_url", media.get_url_preview_legacy),
    route("GET", f"{MEDIA3}/download/{{serverName}}/{{mediaId}}",
          media_download.get_content_legacy),
    route("GET", f"{MEDIA3}/download/{{serverName}}/{{mediaId}}/{{fileName}}",
          media_download.get_content_override_name_legacy),
    route("GET", f"{MEDIA3}/thumbnail/{{serverName}}/{{mediaId}}",
          media_download.get_content_thumbnail_legacy),
]


def build_routes(config: Config) -> list[Route]:
    # Federation is not built yet; config validation refuses federation.enabled = true.
    return list(CLIENT_ROUTES)
