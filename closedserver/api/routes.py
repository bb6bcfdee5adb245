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
    admin,
    devices,
    directory,
    discovery,
    key_backup,
    keys,
    login,
    media,
    media_download,
    membership,
    notifications,
    presence,
    profile,
    push_rules,
    pushers,
    receipts,
    register,
    relations,
    reports,
    room_reading,
    room_upgrades,
    rooms,
    spaces,
    sync,
    to_device,
    typing,
    user_directory,
)
from closedserver.api.client import filter as filters
from closedserver.config import Config

Endpoint = Callable[[Request], Awaitable[Response]]
C3 = "/_matrix/client/v3"
C1 = "/_matrix/client/v1"
MEDIA1 = "/_matrix/client/v1/media"
MEDIA3 = "/_matrix/media/v3"


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
    route("GET", f"{C3}/account/3pid", account.get_account_3pids),
    # server admin (spec: admin.yaml)
    route("GET", f"{C3}/admin/whois/{{userId}}", admin.get_who_is),
    route("GET", f"{C1}/admin/lock/{{userId}}", admin.get_admin_lock_user),
    route("PUT", f"{C1}/admin/lock/{{userId}}", admin.set_admin_lock_user),
    route("GET", f"{C1}/admin/suspend/{{userId}}", admin.get_admin_suspend_user),
    route("PUT", f"{C1}/admin/suspend/{{userId}}", admin.set_admin_suspend_user),
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
    route("GET", f"{C3}/user/{{userId}}/rooms/{{roomId}}/tags", account_data.get_room_tags),
    route("PUT", f"{C3}/user/{{userId}}/rooms/{{roomId}}/tags/{{tag}}",
          account_data.set_room_tag),
    route("DELETE", f"{C3}/user/{{userId}}/rooms/{{roomId}}/tags/{{tag}}",
          account_data.delete_room_tag),
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
    # rooms: relations, threads, spaces
    route("GET", f"{C1}/rooms/{{roomId}}/relations/{{eventId}}", relations.get_relating_events),
    route("GET", f"{C1}/rooms/{{roomId}}/relations/{{eventId}}/{{relType}}",
          relations.get_relating_events),
    route("GET", f"{C1}/rooms/{{roomId}}/relations/{{eventId}}/{{relType}}/{{eventType}}",
          relations.get_relating_events),
    route("GET", f"{C1}/rooms/{{roomId}}/threads", relations.get_thread_roots),
    route("GET", f"{C1}/rooms/{{roomId}}/hierarchy", spaces.get_space_hierarchy),
    route("GET", f"{C1}/room_summary/{{roomIdOrAlias}}", spaces.get_room_summary),
    # rooms: upgrades and reports
    route("POST", f"{C3}/rooms/{{roomId}}/upgrade", room_upgrades.upgrade_room),
    route("POST", f"{C3}/rooms/{{roomId}}/report", reports.report_room),
    route("POST", f"{C3}/rooms/{{roomId}}/report/{{eventId}}", reports.report_event),
    route("POST", f"{C3}/users/{{userId}}/report", reports.report_user),
    # directory: aliases, published rooms, users
    route("GET", f"{C3}/directory/room/{{roomAlias}}", directory.get_room_id_by_alias),
    route("PUT", f"{C3}/directory/room/{{roomAlias}}", directory.set_room_alias),
    route("DELETE", f"{C3}/directory/room/{{roomAlias}}", directory.delete_room_alias),
    route("GET", f"{C3}/rooms/{{roomId}}/aliases", directory.get_local_aliases),
    route("GET", f"{C3}/directory/list/room/{{roomId}}",
          directory.get_room_visibility_on_directory),
    route("PUT", f"{C3}/directory/list/room/{{roomId}}",
          directory.set_room_visibility_on_directory),
    route("GET", f"{C3}/publicRooms", directory.get_public_rooms),
    route("POST", f"{C3}/publicRooms", directory.query_public_rooms),
    route("POST", f"{C3}/user_directory/search", user_directory.search_user_directory),
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
    # push notifications: rules (the /enabled and /actions routes come before the rule
    # route, whose {ruleId} may contain "/" so that such IDs get the spec's 400)
    route("GET", f"{C3}/pushrules/", push_rules.get_push_rules),
    route("GET", f"{C3}/pushrules/global/", push_rules.get_push_rules_global),
    route("GET", f"{C3}/pushrules/global/{{kind}}/{{ruleId}}/enabled",
          push_rules.is_push_rule_enabled),
    route("PUT", f"{C3}/pushrules/global/{{kind}}/{{ruleId}}/enabled",
          push_rules.set_push_rule_enabled),
    route("GET", f"{C3}/pushrules/global/{{kind}}/{{ruleId}}/actions",
          push_rules.get_push_rule_actions),
    route("PUT", f"{C3}/pushrules/global/{{kind}}/{{ruleId}}/actions",
          push_rules.set_push_rule_actions),
    route("GET", f"{C3}/pushrules/global/{{kind}}/{{ruleId:path}}", push_rules.get_push_rule),
    route("PUT", f"{C3}/pushrules/global/{{kind}}/{{ruleId:path}}", push_rules.set_push_rule),
    route("DELETE", f"{C3}/pushrules/global/{{kind}}/{{ruleId:path}}",
          push_rules.delete_push_rule),
    # push notifications: pushers and the notification list
    route("GET", f"{C3}/pushers", pushers.get_pushers),
    route("POST", f"{C3}/pushers/set", pushers.post_pusher),
    route("GET", f"{C3}/notifications", notifications.get_notifications),
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
