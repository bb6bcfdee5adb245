"""Room upgrades (spec: room_upgrades.yaml, module room_upgrades.md "Server behaviour").

In one transaction, following the spec's steps:
1. The requester must be joined and able to send m.room.tombstone in the old room.
2. A replacement room of the new version is created (through RoomCreation) whose create
   event carries `predecessor` (the old room and its last event), the old room's `type`
   and a false `m.federate`; `additional_creators` only when the new version has creators.
3. Transferable state is copied: server ACLs, encryption, name, avatar, topic, guest access,
   history visibility, join rules, power levels, and a space's children; bans too.
   Members are not moved: they follow the tombstone themselves.
4. Local aliases move to the new room, with the canonical alias.
5. The old room gets an m.room.tombstone naming the replacement room, and
6. loses its canonical alias and, where the requester may, the power to chat or invite:
   `events_default` and `invite` become max(50, users_default + 1).
A published room stays published: the new room takes the old one's directory entry.

Power levels: in a v12 room the new creators (requester + additional_creators) are
creators and must not appear in `users`; creators of an old v12 room who are not creators
any more keep level 100. In v10/v11 the requester is raised while copying state they would
otherwise lack the power for, then the copied power levels are sent as they were.
"""

from __future__ import annotations

import logging
from typing import Any

from closedserver.errors import BadJson, Forbidden, UnsupportedRoomVersion
from closedserver.matrix.auth_rules import get_named_power_level
from closedserver.matrix.auth_rules.power_levels import room_creators
from closedserver.matrix.ids import is_valid_user_id
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.creation import RoomCreation, RoomRequest
from closedserver.services.sessions import Requester
from closedserver.services.timeline import EventDraft, Timeline
from closedserver.storage.room_directory import RoomDirectoryStore

log = logging.getLogger(__name__)

TOMBSTONE = "m.room.tombstone"
POWER_LEVELS = "m.room.power_levels"
CANONICAL_ALIAS = "m.room.canonical_alias"
TRANSFERRED_STATE = ("m.room.server_acl", "m.room.encryption", "m.room.name", "m.room.avatar",
                     "m.room.topic", "m.room.guest_access", "m.room.history_visibility",
                     "m.room.join_rules")
FORMER_CREATOR_LEVEL = 100


class RoomUpgrades:
    def __init__(self, timeline: Timeline, access: RoomAccess, creation: RoomCreation,
                 store: RoomDirectoryStore) -> None:
        self.timeline = timeline
        self.access = access
        self.creation = creation
        self.store = store

    def upgrade(self, requester: Requester, room_id: str, new_version: str,
                additional_creators: list[str] | None) -> str:
        """Upgrade the room; returns the replacement room's ID."""
        version = KNOWN_ROOM_VERSIONS.get(new_version)
        if version is None:
            raise UnsupportedRoomVersion(f"Room version {new_version!r} is not supported")
        user_id = requester.user_id
        self.access.require_joined(room_id, user_id)
        if not self.access.can_send(room_id, user_id, TOMBSTONE, ""):
            raise Forbidden("You need the power to send m.room.tombstone to upgrade the room")
        creators = _additional_creators(version, user_id, additional_creators)
        with self.timeline.batch():
            new_room_id, final_levels = self._create_replacement(user_id, room_id, version,
                                                                 creators)
            self._copy_bans(user_id, room_id, new_room_id)
            if final_levels is not None:
                self._send(new_room_id, user_id, POWER_LEVELS, final_levels)
            self._move_aliases(user_id, room_id, new_room_id)
            self._send(room_id, user_id, TOMBSTONE, {
                "body": "This room has been replaced", "replacement_room": new_room_id})
            self._restrict_old_room(user_id, room_id)
            self.access.rooms.update_public(room_id, False)
        log.info("%s upgraded %s to %s (v%s)", user_id, room_id, new_room_id, new_version)
        return new_room_id

    def _create_replacement(self, user_id: str, room_id: str, version: RoomVersion,
                            creators: list[str]) -> tuple[str, dict[str, Any] | None]:
        old_room = self.access.room(room_id)
        old_create = self.access.create_event(room_id)
        creation_content: dict[str, Any] = {"predecessor": self._predecessor(room_id)}
        if old_room.room_type is not None:
            creation_content["type"] = old_room.room_type
        if old_create.content.get("m.federate") is False:
            creation_content["m.federate"] = False
        if creators:
            creation_content["additional_creators"] = creators
        state = self._transferable_state(room_id, old_room.room_type)
        initial_levels, final_levels = self._power_levels(room_id, user_id, version, creators)
        join_rule = next((e["content"].get("join_rule") for e in state
                          if e["type"] == "m.room.join_rules"), None)
        request = RoomRequest(
            visibility="public" if old_room.is_public else "private",
            preset="public_chat" if join_rule == "public" else "private_chat",
            initial_state=state, power_level_content_override=initial_levels,
            creation_content=creation_content, room_version=version.identifier)
        new_room_id, _ = self.creation.create_room(user_id, request)
        return new_room_id, final_levels

    def _predecessor(self, room_id: str) -> dict[str, str]:
        last = self.timeline.store.get_event_at(self.access.room(room_id).last_stream_ordering)
        return {"room_id": room_id, **({"event_id": last.event_id} if last else {})}

    def _transferable_state(self, room_id: str, room_type: str | None) -> list[dict[str, Any]]:
        found = self.access.state.current_events(room_id, [(t, "") for t in TRANSFERRED_STATE])
        state = [{"type": t, "state_key": "", "content": dict(found[(t, "")].content)}
                 for t in TRANSFERRED_STATE if (t, "") in found]
        if room_type == "m.space":
            children = self.store.list_state_ids_of_type(room_id, "m.space.child")
            loaded = self.access.events.get_many(children.values())
            state.extend({"type": s.event.type, "state_key": s.event.state_key or "",
                          "content": dict(s.event.content)}
                         for s in sorted(loaded.values(), key=lambda s: s.stream_ordering)
                         if s.event.content.get("via"))
        return state

    def _power_levels(self, room_id: str, user_id: str, version: RoomVersion,
                      creators: list[str]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(power levels to create the room with, power levels to send after copying)."""
        old = self.access.power_levels_content(room_id)
        if old is None:
            return None, None
        levels = dict(old)
        users = dict(levels.get("users") or {})
        old_version = self.access.room_version(room_id)
        if old_version.creators_have_infinite_power:
            for creator in room_creators(old_version, self.access.create_event(room_id)):
                users.setdefault(creator, FORMER_CREATOR_LEVEL)
        if version.creators_have_infinite_power:
            for creator in (user_id, *creators):
                users.pop(creator, None)
            return {**levels, "users": users}, None
        levels["users"] = users
        events = levels.get("events") or {}
        needed = max(get_named_power_level("state_default", levels),
                     get_named_power_level("ban", levels), *events.values())
        own = users.get(user_id, get_named_power_level("users_default", levels))
        if own >= needed:
            return levels, None
        return {**levels, "users": {**users, user_id: needed}}, levels

    def _copy_bans(self, user_id: str, room_id: str, new_room_id: str) -> None:
        if not self.access.has_level(new_room_id, user_id, "ban"):
            return
        banned = self.access.state.store.list_members(room_id, "ban")
        levels = self.access.user_levels(new_room_id, [user_id, *(m.user_id for m in banned)])
        for member in banned:
            if levels[member.user_id] < levels[user_id]:
                content: dict[str, Any] = {"membership": "ban"}
                self.timeline.append(new_room_id, EventDraft(user_id, "m.room.member", content,
                                                             member.user_id))

    def _move_aliases(self, user_id: str, room_id: str, new_room_id: str) -> None:
        moved = set(self.store.update_aliases_room(room_id, new_room_id))
        canonical = self.access.state.current_event(room_id, CANONICAL_ALIAS)
        if canonical is None or not canonical.content:
            return
        content: dict[str, Any] = {}
        if canonical.content.get("alias") in moved:
            content["alias"] = canonical.content["alias"]
        alt = canonical.content.get("alt_aliases")
        if isinstance(alt, list) and any(a in moved for a in alt):
            content["alt_aliases"] = [a for a in alt if a in moved]
        if content:
            self._send(new_room_id, user_id, CANONICAL_ALIAS, content)
        if self.access.can_send(room_id, user_id, CANONICAL_ALIAS, ""):
            self._send(room_id, user_id, CANONICAL_ALIAS, {})

    def _restrict_old_room(self, user_id: str, room_id: str) -> None:
        """Spec step 6: stop chat and invites in the old room, if the requester may."""
        levels = self.access.power_levels_content(room_id)
        if levels is None or not self.access.can_send(room_id, user_id, POWER_LEVELS, ""):
            return
        restricted = max(50, get_named_power_level("users_default", levels) + 1)
        changes = {key: restricted for key in ("events_default", "invite")
                   if get_named_power_level(key, levels) < restricted}
        if changes and self.access.user_level(room_id, user_id) >= restricted:
            self._send(room_id, user_id, POWER_LEVELS, {**levels, **changes})

    def _send(self, room_id: str, user_id: str, event_type: str,
              content: dict[str, Any]) -> None:
        self.timeline.append(room_id, EventDraft(user_id, event_type, content, ""))


def _additional_creators(version: RoomVersion, user_id: str,
                         requested: list[str] | None) -> list[str]:
    """The new room's additional creators (ignored by versions without creators)."""
    if not version.creators_have_infinite_power or not requested:
        return []
    if not all(isinstance(u, str) and is_valid_user_id(u) for u in requested):
        raise BadJson("additional_creators must be a list of user IDs")
    return [u for u in dict.fromkeys(requested) if u != user_id]
