"""Reporting events, rooms and users to the server admins (spec: report_content.yaml, module
report_content.md).

Reports land in the `reports` table for admins. An event report needs the reporter to be
joined and able to see the event (else 404, as the spec says); room and user reports need
only that the room or user exists: the spec forbids requiring shared rooms for those.
"""

from __future__ import annotations

import logging

from closedserver.clock import now_ms
from closedserver.errors import NotFound
from closedserver.services.accounts import Accounts
from closedserver.services.rooms.reading import RoomReader
from closedserver.services.sessions import Requester
from closedserver.storage.reports import ReportsStore
from closedserver.storage.rooms import RoomsStore

log = logging.getLogger(__name__)


class Reports:
    def __init__(self, reader: RoomReader, accounts: Accounts) -> None:
        self.reader = reader
        self.accounts = accounts
        self.rooms: RoomsStore = reader.access.rooms
        self.store = ReportsStore(self.rooms.db)

    def report_event(self, requester: Requester, room_id: str, event_id: str,
                     reason: str | None, score: int | None) -> int:
        if self.reader.access.membership(room_id, requester.user_id) != "join":
            raise NotFound("The event was not found or you are not joined to the room")
        self.reader.visible_event(requester.user_id, room_id, event_id)
        return self._insert(requester, room_id=room_id, event_id=event_id, reason=reason,
                            score=score)

    def report_room(self, requester: Requester, room_id: str, reason: str) -> int:
        if self.rooms.get_room(room_id) is None:
            raise NotFound("The room was not found")
        return self._insert(requester, room_id=room_id, reason=reason)

    def report_user(self, requester: Requester, user_id: str, reason: str) -> int:
        if not self.accounts.is_local(user_id) or not self.accounts.store.user_exists(user_id):
            raise NotFound("The user was not found")
        return self._insert(requester, target_user_id=user_id, reason=reason)

    def _insert(self, requester: Requester, *, room_id: str | None = None,
                event_id: str | None = None, target_user_id: str | None = None,
                reason: str | None, score: int | None = None) -> int:
        with self.rooms.db.transaction():
            report_id = self.store.insert_report(
                room_id=room_id, event_id=event_id, target_user_id=target_user_id,
                reporter=requester.user_id, reason=reason, score=score, created_ts=now_ms())
        log.info("%s reported %s", requester.user_id,
                 event_id or room_id or target_user_id)
        return report_id
