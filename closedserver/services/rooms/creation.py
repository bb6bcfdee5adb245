"""Creating rooms (spec: `POST /createRoom`, create_room.yaml).

All of a new room's initial events are written in one transaction in the spec's order:
create, the creator's join, power levels, canonical alias, preset events, initial_state,
name and topic, invites. Any failure leaves nothing behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from closedserver.clock import now_ms
from closedserver.errors import (
    BadJson,
    Forbidden,
    InvalidParam,
    InvalidRoomState,
    RoomInUse,
    UnsupportedRoomVersion,
)
from closedserver.matrix.errors import UnsupportedRoomVersionError
from closedserver.matrix.room_versions import (
    DEFAULT_ROOM_VERSION,
    KNOWN_ROOM_VERSIONS,
    RoomVersion,
    get_room_version,
)
from closedserver.randomness import random_string
from closedserver.services.accounts import Accounts
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.rooms.membership import member_content
from closedserver.services.timeline import EventDraft, Timeline

log = logging.getLogger(__name__)

PRESETS = {
    "private_chat": ("invite", "shared", "can_join"),
    "trusted_private_chat": ("invite", "shared", "can_join"),
    "public_chat": ("public", "shared", "forbidden"),
}
# Events whose default send level is 100 (or above state_default for v12 tombstones).
_RESTRICTED_STATE = {
    "m.room.name": 50, "m.room.power_levels": 100, "m.room.history_visibility": 100,
    "m.room.canonical_alias": 50, "m.room.avatar": 50, "m.room.tombstone": 100,
    "m.room.server_acl": 100, "m.room.encryption": 100,
}
# Not settable through initial_state: the server writes these itself.
_RESERVED_INITIAL_STATE = {"m.room.create", "m.room.member"}


@dataclass
class RoomRequest:
    """A parsed createRoom body."""

    visibility: str = "private"
    preset: str | None = None
    room_alias_name: str | None = None
    name: str | None = None
    topic: str | None = None
    invite: list[str] = field(default_factory=list)
    is_direct: bool = False
    initial_state: list[dict[str, Any]] = field(default_factory=list)
    power_level_content_override: dict[str, Any] | None = None
    creation_content: dict[str, Any] = field(default_factory=dict)
    room_version: str | None = None


class RoomCreation:
    def __init__(self, timeline: Timeline, accounts: Accounts, aliases: Aliases) -> None:
        self.timeline = timeline
        self.accounts = accounts
        self.aliases = aliases

    def create_room(self, creator: str, request: RoomRequest) -> tuple[str, str | None]:
        """Create the room; returns (room_id, room alias or None)."""
        version = self._room_version(request.room_version)
        preset = request.preset or ("public_chat" if request.visibility == "public"
                                    else "private_chat")
        if preset not in PRESETS:
            raise BadJson(f"Unknown preset {preset!r}")
        alias = self._check_alias(request.room_alias_name)
        invitees = self._check_invitees(creator, request.invite)
        initial_state = _check_initial_state(request.initial_state)
        try:
            room_id = self._send_initial_events(version, creator, request, preset, alias,
                                                invitees, initial_state)
        except Forbidden as exc:
            # Spec (createRoom 400): state the parameters imply that the auth rules refuse
            # (e.g. the creator's level below what naming the room takes).
            raise InvalidRoomState(f"The requested initial state is not allowed: "
                                   f"{exc.message}") from None
        log.info("%s created room %s (v%s, %s)", creator, room_id, version.identifier, preset)
        return room_id, alias

    def _send_initial_events(self, version: RoomVersion, creator: str, request: RoomRequest,
                             preset: str, alias: str | None, invitees: list[str],
                             initial_state: list[dict[str, Any]]) -> str:
        """Every initial event in the spec's order, in one transaction; the room ID."""
        with self.timeline.batch():
            room_id = self._send_create(version, creator, request, preset, invitees)
            self._send(room_id, creator, "m.room.member",
                       member_content(self.accounts, creator, "join"), creator)
            self._send(room_id, creator, "m.room.power_levels",
                       self._power_levels(version, creator, preset, invitees, request), "")
            if alias is not None:
                self.aliases.create_alias_in_txn(alias, room_id, creator)
                self._send(room_id, creator, "m.room.canonical_alias", {"alias": alias}, "")
            self._send_preset(room_id, creator, preset, initial_state)
            for event in initial_state:
                self._send(room_id, creator, event["type"], event["content"],
                           event.get("state_key", ""))
            if request.name is not None:
                self._send(room_id, creator, "m.room.name", {"name": request.name}, "")
            if request.topic is not None:
                self._send(room_id, creator, "m.room.topic", _topic_content(request.topic), "")
            for invitee in invitees:
                content = {**member_content(self.accounts, invitee, "invite"),
                           **({"is_direct": True} if request.is_direct else {})}
                self._send(room_id, creator, "m.room.member", content, invitee)
            if request.visibility == "public":
                self.timeline.rooms.update_public(room_id, True)
        return room_id

    def _send_preset(self, room_id: str, creator: str, preset: str,
                     initial_state: list[dict[str, Any]]) -> None:
        """The preset's join rules, history visibility and guest access, except those
        initial_state sets itself (spec: initial_state overrides the preset)."""
        join_rule, history, guests = PRESETS[preset]
        overridden = {e["type"] for e in initial_state if e.get("state_key", "") == ""}
        for event_type, content in (("m.room.join_rules", {"join_rule": join_rule}),
                                    ("m.room.history_visibility",
                                     {"history_visibility": history}),
                                    ("m.room.guest_access", {"guest_access": guests})):
            if event_type not in overridden:
                self._send(room_id, creator, event_type, content, "")

    def _room_version(self, requested: str | None) -> RoomVersion:
        identifier = requested or DEFAULT_ROOM_VERSION
        try:
            return get_room_version(identifier)
        except UnsupportedRoomVersionError:
            raise UnsupportedRoomVersion(
                f"Room version {identifier!r} is not supported; use one of "
                f"{', '.join(KNOWN_ROOM_VERSIONS)}") from None

    def _check_alias(self, alias_name: str | None) -> str | None:
        if alias_name is None:
            return None
        alias = f"#{alias_name}:{self.accounts.server_name}"
        self.aliases.validate_alias(alias)
        if self.timeline.rooms.get_alias(alias) is not None:
            raise RoomInUse(f"The alias {alias} is already in use")
        return alias

    def _check_invitees(self, creator: str, invite: list[str]) -> list[str]:
        invitees = []
        for user_id in invite:
            if not isinstance(user_id, str) or not user_id.startswith("@") or ":" not in user_id:
                raise BadJson(f"Not a user ID in 'invite': {user_id!r}")
            if user_id != creator and user_id not in invitees:
                invitees.append(user_id)
        return invitees

    def _send_create(self, version: RoomVersion, creator: str, request: RoomRequest,
                     preset: str, invitees: list[str]) -> str:
        content = dict(request.creation_content)
        content["room_version"] = version.identifier
        if version.create_event_requires_creator:
            content["creator"] = creator
        else:
            content.pop("creator", None)
        if version.creators_have_infinite_power and preset == "trusted_private_chat":
            extra = [u for u in content.get("additional_creators", []) if u != creator]
            content["additional_creators"] = list(dict.fromkeys([*extra, *invitees]))
        federate = content.get("m.federate", True)
        if not isinstance(federate, bool):
            raise BadJson("creation_content.m.federate must be a boolean")
        room_type = content.get("type")
        if room_type is not None and not isinstance(room_type, str):
            raise BadJson("creation_content.type must be a string")
        draft = EventDraft(creator, "m.room.create", content, "")
        ts = now_ms()
        local_id = None if version.room_id_is_create_event_hash else self._new_room_id()
        # v12 room IDs hash the create event: bump the timestamp if an identical create
        # event (same sender, content and millisecond) already made that room.
        for attempt in range(100):
            try:
                return self.timeline.create_room_event(
                    version, local_id, draft, federate=federate, room_type=room_type,
                    origin_server_ts=ts + attempt).room_id
            except LookupError:
                if local_id is not None:
                    local_id = self._new_room_id()
        raise InvalidRoomState("Could not allocate a room ID")

    def _new_room_id(self) -> str:
        return f"!{random_string(18)}:{self.accounts.server_name}"

    def _power_levels(self, version: RoomVersion, creator: str, preset: str,
                      invitees: list[str], request: RoomRequest) -> dict[str, Any]:
        users: dict[str, int] = {}
        if not version.creators_have_infinite_power:
            users[creator] = 100
            if preset == "trusted_private_chat":
                users.update({user_id: 100 for user_id in invitees})
        events = dict(_RESTRICTED_STATE)
        if version.creators_have_infinite_power:
            events["m.room.tombstone"] = 150
        content: dict[str, Any] = {
            "users": users, "users_default": 0, "events": events, "events_default": 0,
            "state_default": 50, "ban": 50, "kick": 50, "redact": 50,
            "invite": 50 if preset == "public_chat" else 0,
        }
        override = request.power_level_content_override
        if override is not None:
            if not isinstance(override, dict):
                raise BadJson("power_level_content_override must be an object")
            content.update(override)
        return content

    def _send(self, room_id: str, sender: str, event_type: str, content: dict[str, Any],
              state_key: str) -> None:
        self.timeline.append(room_id, EventDraft(sender, event_type, content, state_key))


def _check_initial_state(events: list[Any]) -> list[dict[str, Any]]:
    checked = []
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("type"), str) \
                or not isinstance(event.get("content"), dict):
            raise BadJson("initial_state entries need a 'type' and a 'content' object")
        if "state_key" in event and not isinstance(event["state_key"], str):
            raise BadJson("initial_state state_key must be a string")
        if event["type"] in _RESERVED_INITIAL_STATE:
            raise InvalidParam(f"{event['type']} cannot be set through initial_state")
        checked.append(event)
    return checked


def _topic_content(topic: str) -> dict[str, Any]:
    """m.room.topic with both the plain `topic` and the v1.15 `m.topic` text block."""
    return {"topic": topic, "m.topic": {"m.text": [{"mimetype": "text/plain", "body": topic}]}}
