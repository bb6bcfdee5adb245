"""Server notices (spec: Client-Server API, module "Server Notices").

Each user has exactly one server notices room, created by the service user on the first
notice: the user is invited (not joined), the room carries the `m.server_notice` tag in the
user's room account data (spec module "Room Tagging"), only the service user may post, and
notices are `m.room.message` events with `msgtype: m.server_notice`. The user can neither
reject the invite nor leave (Membership.leave answers M_CANNOT_LEAVE_SERVER_NOTICE_ROOM).
Finding or creating the room and sending the notice is one transaction, so two admins
sending at once still make one room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from closedserver.clock import now_ms
from closedserver.errors import InvalidParam
from closedserver.services.account_data import AccountData
from closedserver.services.admin.acting import ActingIdentity, Targets
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.creation import RoomCreation, RoomRequest
from closedserver.services.rooms.membership import Membership
from closedserver.services.timeline import EventDraft, Timeline
from closedserver.storage.server_notices import ServerNoticeRoomsStore

log = logging.getLogger(__name__)

NOTICE_TAG = "m.server_notice"
ROOM_NAME = "Server Notices"
ROOM_TOPIC = "Messages from the administrators of this server."
# Members other than the service user cannot post (events_default is 0).
POWER_LEVELS = {"users_default": -10}


class ServerNotices:
    def __init__(self, timeline: Timeline, access: RoomAccess, membership: Membership,
                 room_creation: RoomCreation, account_data: AccountData,
                 identity: ActingIdentity, targets: Targets) -> None:
        self.timeline = timeline
        self.access = access
        self.membership = membership
        self.room_creation = room_creation
        self.account_data = account_data
        self.identity = identity
        self.targets = targets
        self.store = ServerNoticeRoomsStore(timeline.db)

    def send(self, user: str, text: str) -> tuple[str, str]:
        """Send a notice to one local user; returns (room_id, event_id)."""
        user_id = self.targets.local_user(user)
        sender = self.identity.ensure_service_user()
        if user_id == sender:
            raise InvalidParam("The service user does not receive server notices")
        with self.timeline.batch():
            room_id = self._room_of(user_id, sender)
            stored = self.timeline.append(room_id, EventDraft(
                sender, "m.room.message", {"msgtype": "m.server_notice", "body": text}))
        log.info("server notice %s to %s", stored.event_id, user_id)
        return room_id, stored.event_id

    def send_to_all(self, text: str, recipients: list[str],
                    progress: Callable[[int], None] = lambda n: None) -> int:
        """Send a notice to each of `recipients` (one transaction each)."""
        for user_id in recipients:
            self.send(user_id, text)
            progress(1)
        return len(recipients)

    def recipients(self) -> list[str]:
        """Every active local user but the service users."""
        return [u.user_id for u in self.identity.accounts.store.list_users()
                if not u.deactivated and not self.identity.store.is_service_user(u.user_id)]

    def _room_of(self, user_id: str, sender: str) -> str:
        """The user's notices room (inside the caller's transaction), made usable."""
        room_id = self.store.get_room_of_user(user_id)
        if room_id is None or self.access.membership(room_id, sender) != "join" \
                or self.access.room(room_id).blocked:
            return self._create_room(user_id, sender)
        current = self.access.membership(room_id, user_id)
        if current == "ban":
            self.membership.unban(sender, room_id, user_id, reason=None)
        if current in (None, "leave", "ban"):
            self.membership.invite(sender, room_id, user_id)
        return room_id

    def _create_room(self, user_id: str, sender: str) -> str:
        room_id, _ = self.room_creation.create_room(sender, RoomRequest(
            preset="private_chat", name=ROOM_NAME, topic=ROOM_TOPIC, invite=[user_id],
            power_level_content_override=dict(POWER_LEVELS)))
        self.store.upsert_room_of_user(user_id, room_id, now_ms())
        self.account_data.put_internal(user_id, "m.tag",
                                       {"tags": {NOTICE_TAG: {"order": 0.5}}}, room_id)
        return room_id
