"""Room membership: join, invite, leave, kick, ban, unban, knock, forget.

Spec: Client-Server API, "Room membership" (joining.yaml, inviting.yaml, leaving.yaml,
kicking.yaml, banning.yaml, knocking.yaml). Each action is one m.room.member event through
the timeline, whose auth rules have the last word; the checks here give clients the spec's
errors first. With federation off, rooms on other servers cannot be joined and remote users
cannot be invited.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from closedserver.errors import (
    BadState,
    CannotLeaveServerNoticeRoom,
    Forbidden,
    InvalidParam,
    NotFound,
)
from closedserver.matrix.ids import is_valid_user_id
from closedserver.services.accounts import Accounts
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.timeline import EventDraft, Timeline
from closedserver.storage.server_notices import ServerNoticeRoomsStore
from closedserver.storage.state import MemberRow

log = logging.getLogger(__name__)
MEMBER = "m.room.member"


class Membership:
    def __init__(self, timeline: Timeline, access: RoomAccess, aliases: Aliases,
                 accounts: Accounts) -> None:
        self.timeline = timeline
        self.access = access
        self.aliases = aliases
        self.accounts = accounts
        self.server_notice_rooms = ServerNoticeRoomsStore(timeline.db)

    def resolve_room(self, room_id_or_alias: str) -> str:
        if room_id_or_alias.startswith("#"):
            return self.aliases.resolve(room_id_or_alias)
        if not room_id_or_alias.startswith("!"):
            raise InvalidParam(f"{room_id_or_alias!r} is neither a room ID nor an alias")
        if self.access.rooms.get_room(room_id_or_alias) is None:
            raise NotFound(f"No known room {room_id_or_alias}: this server does not federate, "
                           "so only its own rooms can be joined")
        return room_id_or_alias

    # actions

    def join(self, user_id: str, room_id_or_alias: str, *, reason: str | None = None) -> str:
        room_id = self.resolve_room(room_id_or_alias)
        self._check_not_blocked(room_id)
        current = self.access.membership(room_id, user_id)
        content = member_content(self.accounts, user_id, "join", reason)
        if current == "join" and self._same_profile(room_id, user_id, content):
            return room_id
        authoriser = None
        if current not in ("join", "invite"):
            authoriser = self._restricted_join_authoriser(room_id, user_id)
        if authoriser is not None:
            content["join_authorised_via_users_server"] = authoriser
        self._send(room_id, user_id, user_id, content)
        log.info("%s joined %s", user_id, room_id)
        return room_id

    def invite(self, sender: str, room_id: str, target: str, *,
               reason: str | None = None) -> None:
        self._check_target(target)
        self.access.require_joined(room_id, sender)
        current = self.access.membership(room_id, target)
        if current in ("join", "ban"):
            raise Forbidden(f"{target} is {'already in' if current == 'join' else 'banned from'}"
                            " the room")
        self._send(room_id, sender, target,
                   member_content(self.accounts, target, "invite", reason))
        log.info("%s invited %s to %s", sender, target, room_id)

    def leave(self, user_id: str, room_id: str, *, reason: str | None = None) -> None:
        current = self.access.membership(room_id, user_id)
        if current in (None, "leave", "ban"):
            self.access.room(room_id)
            if current == "leave":
                return
            raise Forbidden(f"{user_id} is not in room {room_id}")
        self._check_may_leave(room_id, user_id)
        self._send(room_id, user_id, user_id, _with_reason({"membership": "leave"}, reason))
        log.info("%s left %s", user_id, room_id)

    def kick(self, sender: str, room_id: str, target: str, *, reason: str | None) -> None:
        self.access.require_joined(room_id, sender)
        if self.access.membership(room_id, target) not in ("join", "invite", "knock"):
            raise Forbidden(f"{target} is not in the room")
        self._send(room_id, sender, target, _with_reason({"membership": "leave"}, reason))
        log.info("%s kicked %s from %s", sender, target, room_id)

    def ban(self, sender: str, room_id: str, target: str, *, reason: str | None) -> None:
        self._check_target(target, must_exist=False)
        self.access.require_joined(room_id, sender)
        self._send(room_id, sender, target, _with_reason({"membership": "ban"}, reason))
        log.info("%s banned %s from %s", sender, target, room_id)

    def unban(self, sender: str, room_id: str, target: str, *, reason: str | None) -> None:
        self.access.require_joined(room_id, sender)
        if self.access.membership(room_id, target) != "ban":
            raise Forbidden(f"{target} is not banned")
        self._send(room_id, sender, target, _with_reason({"membership": "leave"}, reason))

    def knock(self, user_id: str, room_id_or_alias: str, *, reason: str | None) -> str:
        room_id = self.resolve_room(room_id_or_alias)
        current = self.access.membership(room_id, user_id)
        if current in ("join", "invite", "ban"):
            raise Forbidden(f"Cannot knock while your membership is {current}")
        content = member_content(self.accounts, user_id, "knock", reason)
        self._send(room_id, user_id, user_id, content)
        return room_id

    def forget(self, user_id: str, room_id: str) -> None:
        member = self.access.state.store.get_member(room_id, user_id)
        if member is None:
            self.access.room(room_id)
            return
        if member.membership in ("join", "invite", "knock"):
            raise BadState("Leave the room before forgetting it")
        with self.timeline.db.transaction():
            self.access.state.store.set_forgotten(room_id, user_id)

    def joined_rooms(self, user_id: str) -> list[str]:
        return [m.room_id for m in self.memberships(user_id, ("join",))]

    def memberships(self, user_id: str, kinds: tuple[str, ...]) -> list[MemberRow]:
        return self.access.state.store.list_rooms_of_user(user_id, kinds)

    def leave_all_rooms(self, user_id: str) -> None:
        """Leave, reject or rescind every room (used when deactivating a user)."""
        for member in self.memberships(user_id, ("join", "invite", "knock")):
            self._send(member.room_id, user_id, user_id, {"membership": "leave"})

    def update_profile_in_rooms(self, user_id: str) -> None:
        """Send fresh member events after a display name or avatar change."""
        for room_id in self.joined_rooms(user_id):
            content = member_content(self.accounts, user_id, "join")
            if not self._same_profile(room_id, user_id, content):
                self._send(room_id, user_id, user_id, content)

    def check_member_state(self, sender: str, room_id: str, target: str,
                           content: Mapping[str, Any]) -> None:
        """PUT /state/m.room.member/{target} makes the same change as /join, /leave, /invite
        or /ban: the same refusals apply before the auth rules (a joined member changing
        their per-room profile passes)."""
        membership = content.get("membership")
        if membership == "join" and self.access.membership(room_id, target) != "join":
            self._check_not_blocked(room_id)
        elif membership == "leave" and target == sender:
            self._check_may_leave(room_id, target)
        elif membership == "invite":
            self._check_target(target)
        elif membership == "ban":
            self._check_target(target, must_exist=False)

    # helpers

    def _check_not_blocked(self, room_id: str) -> None:
        if self.access.room(room_id).blocked:
            raise Forbidden("This room has been blocked by the server admin")

    def _check_may_leave(self, room_id: str, user_id: str) -> None:
        if self.server_notice_rooms.is_notice_room_of(room_id, user_id):
            raise CannotLeaveServerNoticeRoom("You cannot reject or leave the server notices "
                                              "room")

    def _same_profile(self, room_id: str, user_id: str, content: Mapping[str, Any]) -> bool:
        member = self.access.state.store.get_member(room_id, user_id)
        return member is not None and member.displayname == content.get("displayname") \
            and member.avatar_url == content.get("avatar_url")

    def _check_target(self, target: str, *, must_exist: bool = True) -> None:
        if not is_valid_user_id(target):
            raise InvalidParam(f"{target!r} is not a valid user ID")
        if not self.accounts.is_local(target):
            raise Forbidden("This server does not federate: only its own users can be invited "
                            "or banned")
        if must_exist and not self.accounts.store.user_exists(target):
            raise NotFound(f"Unknown user {target}")

    def _restricted_join_authoriser(self, room_id: str, user_id: str) -> str | None:
        """For restricted rooms, a local member who may invite, vouching for the joiner."""
        rules = self.access.state.current_event(room_id, "m.room.join_rules")
        join_rule = rules.content.get("join_rule") if rules else None
        if join_rule not in ("restricted", "knock_restricted"):
            return None
        allow = rules.content.get("allow", []) if rules else []
        allowed_rooms = [a.get("room_id") for a in allow if isinstance(a, Mapping)
                         and a.get("type") == "m.room_membership"]
        if not any(self.access.membership(r, user_id) == "join" for r in allowed_rooms
                   if isinstance(r, str)):
            return None
        for candidate in self.access.state.store.list_joined_user_ids(room_id):
            if self.accounts.is_local(candidate) and self.access.has_level(
                    room_id, candidate, "invite"):
                return candidate
        return None

    def _send(self, room_id: str, sender: str, target: str, content: dict[str, Any]) -> None:
        self.timeline.append(room_id, EventDraft(sender, MEMBER, content, target))


def member_content(accounts: Accounts, user_id: str, membership: str,
                   reason: str | None = None) -> dict[str, Any]:
    """m.room.member content for `user_id`, with their profile's displayname and avatar."""
    content: dict[str, Any] = {"membership": membership}
    user = accounts.store.get_user(user_id)
    if user is not None and not user.deactivated:
        if isinstance(user.displayname, str):
            content["displayname"] = user.displayname
        if isinstance(user.avatar_url, str) and user.avatar_url:
            content["avatar_url"] = user.avatar_url
    return _with_reason(content, reason)


def _with_reason(content: dict[str, Any], reason: str | None) -> dict[str, Any]:
    if reason is not None:
        content["reason"] = reason
    return content
