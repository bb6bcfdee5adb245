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
    key_backup,
    keys,
    login,
    profile,
    register,
    to_device,
)
from closedserver.config import Config

Endpoint = Callable[[Request], Awaitable[Response]]
C3 = "/_matrix/client/v3"
C1 = "/_matrix/client/v1"


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
    # end-to-end encryption: keys, cross-signing, to-device, key backup
    route("POST", f"{C3}/keys/upload", keys.upload_keys),
    route("POST", f"{C3}/keys/query", keys.query_keys),
    route("POST", f"{C3}/keys/claim", keys.claim_keys),
    route("GET", f"{C3}/keys/changes", keys.get_keys_changes),
    route("POST", f"{C3}/keys/device_signing/upload", keys.upload_cross_signing_keys),
    route("POST", f"{C3}/keys/signatures/upload", keys.upload_cross_signing_signatures),
    route("PUT", f"{C3}/sendToDevice/{{eventType}}/{{txnId}}", to_device.send_to_device),
    route("POST", f"{C3}/room_keys/version", key_backup.post_room_keys_version),
    route("GET", f"{C3}/room_keys/version", key_backup.get_room_keys_version_current),
    route("GET", f"{C3}/room_keys/version/{{version}}", key_backup.get_room_keys_version),
    route("PUT", f"{C3}/room_keys/version/{{version}}", key_backup.put_room_keys_version),
    route("DELETE", f"{C3}/room_keys/version/{{version}}",
          key_backup.delete_room_keys_version),
    route("PUT", f"{C3}/room_keys/keys", key_backup.put_room_keys),
    route("GET", f"{C3}/room_keys/keys", key_backup.get_room_keys),
    route("DELETE", f"{C3}/room_keys/keys", key_backup.delete_room_keys),
    route("PUT", f"{C3}/room_keys/keys/{{roomId}}", key_backup.put_room_keys_by_room_id),
    route("GET", f"{C3}/room_keys/keys/{{roomId}}", key_backup.get_room_keys_by_room_id),
    route("DELETE", f"{C3}/room_keys/keys/{{roomId}}",
          key_backup.delete_room_keys_by_room_id),
    route("PUT", f"{C3}/room_keys/keys/{{roomId}}/{{sessionId}}",
          key_backup.put_room_key_by_session_id),
    route("GET", f"{C3}/room_keys/keys/{{roomId}}/{{sessionId}}",
          key_backup.get_room_key_by_session_id),
    route("DELETE", f"{C3}/room_keys/keys/{{roomId}}/{{sessionId}}",
          key_backup.delete_room_key_by_session_id),
]


def build_routes(config: Config) -> list[Route]:
    # Federation is not built yet; config validation refuses federation.enabled = true.
    return list(CLIENT_ROUTES)
