"""Room administration: create, admin join, make-admin, publish, aliases, block.

Events go through the room services (RoomCreation, Membership) or `Timeline.append`, sent
as a local member with the power the room's auth rules require; directory and block flags
are plain writes on the rooms row. Admin join follows Synapse's admin join: a public room
is joined directly; otherwise a member with invite power invites first, then the user
joins, both in one transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from closedserver.errors import Forbidden, NotFound
from closedserver.matrix.auth_rules.power_levels import (
    CREATOR_POWER_LEVEL,
    get_required_power_level,
)
from closedserver.services.accounts import Accounts
from closedserver.services.admin.acting import ActingIdentity, Targets
from closedserver.services.admin.powers import pick_member
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.rooms.creation import RoomCreation, RoomRequest
from closedserver.services.rooms.directory import CANONICAL_ALIAS, RoomDirectory
from closedserver.services.rooms.membership import Membership
from closedserver.services.sessions import Requester
from closedserver.services.timeline import EventDraft, Timeline

log = logging.getLogger(__name__)

MEGOLM = "m.megolm.v1.aes-sha2"
ADMIN_LEVEL = 100


@dataclass(frozen=True)
class JoinResult:
    room_id: str
    user_id: str
    already_joined: bool
    invited_by: str | None


@dataclass(frozen=True)
class PowerResult:
    room_id: str
    user_id: str
    level: int | str
    granted_by: str | None  # None: the user already had that level (or is a creator)


class RoomModeration:
    def __init__(self, timeline: Timeline, access: RoomAccess, aliases: Aliases,
                 membership: Membership, room_creation: RoomCreation,
                 directory: RoomDirectory, accounts: Accounts, identity: ActingIdentity,
                 targets: Targets) -> None:
        self.timeline = timeline
        self.directory = directory
        self.access = access
        self.aliases = aliases
        self.membership = membership
        self.room_creation = room_creation
        self.accounts = accounts
        self.identity = identity
        self.targets = targets

    def create_room(self, owner: str, *, name: str | None, alias: str | None, public: bool,
                    invite: list[str], encrypted: bool) -> tuple[str, str | None]:
        """A room owned by `owner`; returns (room_id, alias or None)."""
        invitees = [self.targets.local_user(user) for user in invite]
        alias_name = self.targets.alias(alias)[1:].split(":", 1)[0] if alias else None
        initial_state = [{"type": "m.room.encryption", "state_key": "",
                          "content": {"algorithm": MEGOLM}}] if encrypted else []
        request = RoomRequest(visibility="public" if public else "private",
                              preset="public_chat" if public else "private_chat",
                              room_alias_name=alias_name, name=name, invite=invitees,
                              initial_state=initial_state)
        return self.room_creation.create_room(owner, request)

    def admin_join(self, room: str, user: str, *, as_user: str | None = None) -> JoinResult:
        room_id = self.targets.room_id(room)
        user_id = self.targets.local_user(user)
        current = self.access.membership(room_id, user_id)
        if current == "join":
            return JoinResult(room_id, user_id, True, None)
        if current == "ban":
            raise Forbidden(f"{user_id} is banned from {room_id}")
        if self.access.room(room_id).blocked:
            raise Forbidden(f"{room_id} is blocked (closedserver room unblock {room_id})")
        inviter = None
        with self.timeline.batch():
            if current != "invite" and self.access.join_rule(room_id) != "public":
                inviter = self._inviter(room_id, user_id, as_user)
                self.membership.invite(inviter, room_id, user_id)
            self.membership.join(user_id, room_id)
        log.info("admin join: %s joined %s (invited by %s)", user_id, room_id, inviter)
        return JoinResult(room_id, user_id, False, inviter)

    def _inviter(self, room_id: str, user_id: str, as_user: str | None) -> str:
        inviter = pick_member(self.access, self.accounts, room_id,
                              preferred=self._preferred(as_user),
                              able=lambda u: self.access.has_level(room_id, u, "invite"))
        if inviter is None:
            raise Forbidden(f"No local member of {room_id} may invite {user_id} (join rule "
                            f"{self.access.join_rule(room_id)}); add one with enough power first")
        return inviter

    def make_admin(self, room: str, user: str, *, as_user: str | None = None) -> PowerResult:
        """Raise a local user to the room's top level (at least 100)."""
        room_id = self.targets.room_id(room)
        user_id = self.targets.local_user(user)
        current = self.access.user_level(room_id, user_id)
        if current == CREATOR_POWER_LEVEL:
            return PowerResult(room_id, user_id, "creator", None)
        content = self.access.power_levels_content(room_id) or {}
        users = dict(content.get("users") or {})
        top = max([ADMIN_LEVEL, *(v for v in users.values() if type(v) is int)])
        if current >= top:
            return PowerResult(room_id, user_id, int(current), None)
        needed = max(top, get_required_power_level("m.room.power_levels", "", content))

        def able(member: str) -> bool:
            level = self.access.user_level(room_id, member)
            return member != user_id and level >= needed and level > current

        granter = pick_member(self.access, self.accounts, room_id,
                              preferred=self._preferred(as_user), able=able)
        if granter is None:
            raise Forbidden(f"No local member of {room_id} has the power to raise {user_id} "
                            f"to {top} (it takes a member at level {needed} or more)")
        new_content = {**content, "users": {**users, user_id: top}}
        self.timeline.append(room_id, EventDraft(granter, "m.room.power_levels",
                                                 new_content, ""))
        log.info("%s raised %s to %d in %s", granter, user_id, top, room_id)
        return PowerResult(room_id, user_id, top, granter)

    def _preferred(self, as_user: str | None) -> list[str]:
        if as_user is not None:
            return [self.identity.actor(as_user)]
        if self.identity.service_user_exists():
            return [self.identity.service_user_id]
        return []

    # directory, aliases, blocking

    def set_published(self, room: str, published: bool) -> str:
        room_id = self.targets.room_id(room)
        with self.access.rooms.db.transaction():
            self.access.rooms.update_public(room_id, published)
        return room_id

    def add_alias(self, alias: str, room: str, *, as_user: str | None = None) -> str:
        full = self.targets.alias(alias)
        room_id = self.targets.room_id(room)
        creator = self.identity.actor(as_user)
        with self.access.rooms.db.transaction():
            self.aliases.create_alias_in_txn(full, room_id, creator)
        return full

    def remove_alias(self, alias: str, room: str, *, as_user: str | None = None) -> str:
        """Delete the alias; a local member who may also drops it from the room's
        canonical alias (RoomDirectory.delete_alias)."""
        full = self.targets.alias(alias)
        room_id = self.targets.room_id(room)
        if self.aliases.resolve(full) != room_id:
            raise NotFound(f"{full} does not point to {room_id}")
        editor = pick_member(self.access, self.accounts, room_id,
                             preferred=self._preferred(as_user),
                             able=lambda u: self.access.can_send(room_id, u, CANONICAL_ALIAS,
                                                                 ""))
        acting = Requester(editor or self.identity.service_user_id, "", True)
        self.directory.delete_alias(acting, full)
        return full

    def set_blocked(self, room: str, blocked: bool) -> str:
        room_id = self.targets.room_id(room)
        with self.access.rooms.db.transaction():
            self.access.rooms.update_blocked(room_id, blocked)
        log.info("%s %s", "blocked" if blocked else "unblocked", room_id)
        return room_id
