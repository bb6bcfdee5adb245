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
    membership,
    presence,
    profile,
    receipts,
    register,
    room_reading,
    rooms,
    sync,
    typing,
)
from closedserver.api.client import filter as filters
from closedserver.config import Config

Endpoint = Callable[[Request], Awaitable[Response]]
C3 = "/_matrix/client/v3"
C1 = "/_matrix/client/v1"


def route(method: str, path: str, endpoint: Endpoint) -> Route:
    return Route(path, endpoint, methods=[method])


CLIENT_ROUTES = [
    # Starlette tries routes in order: the one every client calls all the time goes first.
    route("GET", f"{C3}/sync", sync.sync),
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
    # rooms: creation, sending, state
    route("POST", f"{C3}/createRoom", rooms.create_room),
    route("PUT", f"{C3}/rooms/{{roomId}}/send/{{eventType}}/{{txnId}}", rooms.send_message),
    route("PUT", f"{C3}/rooms/{{roomId}}/state/{{eventType}}", rooms.set_room_state),
    route("PUT", f"{C3}/rooms/{{roomId}}/state/{{eventType}}/{{stateKey:path}}",
          rooms.set_room_state),
    route("PUT", f"{C3}/rooms/{{roomId}}/redact/{{eventId}}/{{txnId}}", rooms.redact_event),
    # rooms: membership
    route("POST", f"{C3}/join/{{roomIdOrAlias}}", membership.join_room_by_id_or_alias),
    route("POST", f"{C3}/rooms/{{roomId}}/join", membership.join_room),
    route("POST", f"{C3}/rooms/{{roomId}}/invite", membership.invite_user),
    route("POST", f"{C3}/rooms/{{roomId}}/leave", membership.leave_room),
    route("POST", f"{C3}/rooms/{{roomId}}/forget", membership.forget_room),
    route("POST", f"{C3}/rooms/{{roomId}}/kick", membership.kick),
    route("POST", f"{C3}/rooms/{{roomId}}/ban", membership.ban),
    route("POST", f"{C3}/rooms/{{roomId}}/unban", membership.unban),
    route("POST", f"{C3}/knock/{{roomIdOrAlias}}", membership.knock_room),
    route("GET", f"{C3}/joined_rooms", membership.get_joined_rooms),
    # rooms: reading
    route("GET", f"{C3}/rooms/{{roomId}}/state", room_reading.get_room_state),
    route("GET", f"{C3}/rooms/{{roomId}}/state/{{eventType}}",
          room_reading.get_room_state_event),
    route("GET", f"{C3}/rooms/{{roomId}}/state/{{eventType}}/{{stateKey:path}}",
          room_reading.get_room_state_event),
    route("GET", f"{C3}/rooms/{{roomId}}/event/{{eventId}}", room_reading.get_one_room_event),
    route("GET", f"{C3}/rooms/{{roomId}}/members", room_reading.get_members_by_room),
    route("GET", f"{C3}/rooms/{{roomId}}/joined_members",
          room_reading.get_joined_members_by_room),
    route("GET", f"{C3}/rooms/{{roomId}}/messages", room_reading.get_room_events),
    route("GET", f"{C3}/rooms/{{roomId}}/context/{{eventId}}", room_reading.get_event_context),
    route("GET", f"{C1}/rooms/{{roomId}}/timestamp_to_event",
          room_reading.get_event_by_timestamp),
    # filters, typing, receipts, presence
    route("POST", f"{C3}/user/{{userId}}/filter", filters.define_filter),
    route("GET", f"{C3}/user/{{userId}}/filter/{{filterId}}", filters.get_filter),
    route("PUT", f"{C3}/rooms/{{roomId}}/typing/{{userId}}", typing.set_typing),
    route("POST", f"{C3}/rooms/{{roomId}}/receipt/{{receiptType}}/{{eventId}}",
          receipts.post_receipt),
    route("POST", f"{C3}/rooms/{{roomId}}/read_markers", receipts.set_read_marker),
    route("PUT", f"{C3}/presence/{{userId}}/status", presence.set_presence),
    route("GET", f"{C3}/presence/{{userId}}/status", presence.get_presence),
]


def build_routes(config: Config) -> list[Route]:
    # Federation is not built yet; config validation refuses federation.enabled = true.
    return list(CLIENT_ROUTES)
