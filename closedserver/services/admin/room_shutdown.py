"""Shutting a room down: block it, remove every local member, optionally move them on.

In order: (1) block the room from new joins and take it out of the directory (its own
transaction, so nobody can join while the rest runs); then in one transaction (2)
optionally create a replacement room owned by the service user, post the admin's message
there and join the members to it, (3) move the room's local aliases to the replacement (or
remove them), and (4) make every local member leave (joined, invited and knocking alike:
a leave sent as the user always passes the auth rules, whoever holds power), with the
message as reason. Remote members are left to their servers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from closedserver.services.admin.acting import ActingIdentity, Targets
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.creation import RoomCreation, RoomRequest
from closedserver.services.rooms.membership import Membership
from closedserver.services.timeline import EventDraft, Timeline
from closedserver.storage.room_directory import RoomDirectoryStore
from closedserver.storage.room_stats import RoomStatsStore

log = logging.getLogger(__name__)

DEFAULT_MESSAGE = "This room has been shut down by the server admin."


@dataclass
class ShutdownResult:
    room_id: str
    removed: list[str] = field(default_factory=list)
    new_room_id: str | None = None
    aliases: list[str] = field(default_factory=list)  # moved to the new room, or removed


class RoomShutdown:
    def __init__(self, timeline: Timeline, access: RoomAccess, membership: Membership,
                 room_creation: RoomCreation, identity: ActingIdentity,
                 targets: Targets) -> None:
        self.timeline = timeline
        self.rooms = access.rooms
        self.membership = membership
        self.room_creation = room_creation
        self.identity = identity
        self.targets = targets
        self.stats = RoomStatsStore(timeline.db, identity.accounts.server_name)

    def shutdown(self, room: str, *, message: str | None,
                 new_room_name: str | None) -> ShutdownResult:
        room_id = self.targets.room_id(room)
        result = ShutdownResult(room_id)
        with self.timeline.db.transaction():
            self.rooms.update_blocked(room_id, True)
            self.rooms.update_public(room_id, False)
        reason = message or DEFAULT_MESSAGE
        with self.timeline.batch():
            members = self.stats.list_local_members(room_id, ("join", "invite", "knock"))
            joined = self.stats.list_local_members(room_id, ("join",))
            if new_room_name is not None:
                result.new_room_id = self._replacement(new_room_name, reason, joined)
            result.aliases = self._move_aliases(room_id, result.new_room_id)
            for user_id in members:
                self.timeline.append(room_id, EventDraft(
                    user_id, "m.room.member", {"membership": "leave", "reason": reason},
                    user_id))
            result.removed = members
        log.info("shut down %s: %d local members removed, replacement %s", room_id,
                 len(members), result.new_room_id)
        return result

    def _replacement(self, name: str, message: str, members: list[str]) -> str:
        """A room owned by the service user with the message, every member joined."""
        owner = self.identity.ensure_service_user()
        movers = [u for u in members if u != owner]
        new_room_id, _ = self.room_creation.create_room(
            owner, RoomRequest(preset="private_chat", name=name, invite=movers))
        self.timeline.append(new_room_id, EventDraft(
            owner, "m.room.message", {"msgtype": "m.text", "body": message}))
        for user_id in movers:
            self.membership.join(user_id, new_room_id)
        return new_room_id

    def _move_aliases(self, room_id: str, new_room_id: str | None) -> list[str]:
        """Point the room's aliases at the replacement, or free them."""
        if new_room_id is not None:
            return RoomDirectoryStore(self.timeline.db).update_aliases_room(room_id,
                                                                            new_room_id)
        aliases = self.rooms.list_aliases(room_id)
        for alias in aliases:
            self.rooms.delete_alias(alias)
        return aliases
