"""Removing a room, or a room's old history, from the database for good.

A room is purged only once no local user is joined, invited or knocking (after `room
shutdown`): it is blocked, then every table's rows for it go (found by their `room_id`
column: members, current state, aliases, reports, per-room account data, server notice
rooms...), then its events and state groups in batches of short transactions so that a
running server keeps writing in between, and finally the room row. Local media the room's
events named stay in the media store; the result lists those nothing else names (no other
room's events, no profile or member avatar), for the caller to delete with the media
service if the admin asks.

Purging history keeps the room, its state events and its latest events (the forward
extremities the next event points to) and deletes the non-state events sent before a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from closedserver.errors import BadState
from closedserver.services.admin.acting import Targets
from closedserver.services.admin.room_info import media_ids_in
from closedserver.services.event_cache import EventCache
from closedserver.services.room_state import RoomState
from closedserver.storage.database import Database
from closedserver.storage.purge import PurgeStore
from closedserver.storage.room_stats import RoomStatsStore

log = logging.getLogger(__name__)

BATCH_SIZE = 500
Progress = Callable[[int], None]


@dataclass(frozen=True)
class PurgePlan:
    room_id: str
    events: int
    state_groups: int

    @property
    def steps(self) -> int:
        return self.events + self.state_groups


@dataclass
class PurgeResult:
    room_id: str
    events: int = 0
    state_groups: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    unreferenced_local_media: list[str] = field(default_factory=list)


class RoomPurge:
    def __init__(self, db: Database, events: EventCache, room_state: RoomState,
                 targets: Targets, server_name: str) -> None:
        self.db = db
        self.events = events
        self.room_state = room_state
        self.targets = targets
        self.server_name = server_name
        self.store = PurgeStore(db)
        self.stats = RoomStatsStore(db, server_name)

    def plan(self, room: str) -> PurgePlan:
        room_id = self.targets.room_id(room)
        self._require_no_local_members(room_id)
        return PurgePlan(room_id, self.stats.count_events(room_id)[0],
                         self.store.count_state_groups(room_id))

    def purge(self, plan: PurgePlan, progress: Progress = lambda n: None) -> PurgeResult:
        room_id = plan.room_id
        result = PurgeResult(room_id, unreferenced_local_media=self._media_only_here(room_id))
        with self.db.transaction():
            self._require_no_local_members(room_id)
            self.targets.access.rooms.update_blocked(room_id, True)
            for table in self.store.list_tables_with_room_id():
                result.rows[table] = self.store.delete_room_rows(table, room_id)
        result.events = self._in_batches(
            lambda: self.store.delete_event_batch(room_id, BATCH_SIZE), progress)
        result.state_groups = self._in_batches(
            lambda: self.store.delete_state_group_batch(room_id, BATCH_SIZE), progress)
        with self.db.transaction():
            self.store.delete_room(room_id)
        self.events.forget_room(room_id)
        self.room_state.clear()
        log.info("purged room %s: %d events, %d state groups", room_id, result.events,
                 result.state_groups)
        return result

    def plan_history(self, room: str, before_ts: int) -> PurgePlan:
        room_id = self.targets.room_id(room)
        return PurgePlan(room_id, self.store.count_old_messages(room_id, before_ts), 0)

    def purge_history(self, plan: PurgePlan, before_ts: int,
                      progress: Progress = lambda n: None) -> int:
        room_id = plan.room_id
        deleted = self._in_batches(
            lambda: self.store.delete_old_message_batch(room_id, before_ts, BATCH_SIZE),
            progress)
        self.events.forget_room(room_id)
        log.info("purged %d events sent before %d from %s", deleted, before_ts, room_id)
        return deleted

    def _in_batches(self, delete_batch: Callable[[], int], progress: Progress) -> int:
        total = 0
        while True:
            with self.db.transaction():
                deleted = delete_batch()
            if not deleted:
                return total
            total += deleted
            progress(deleted)

    def _require_no_local_members(self, room_id: str) -> None:
        members = self.stats.list_local_members(room_id, ("join", "invite", "knock"))
        if members:
            raise BadState(f"{len(members)} local user(s) are still in {room_id}: shut it "
                           f"down first (closedserver room shutdown {room_id})")

    def _media_only_here(self, room_id: str) -> list[str]:
        """Local media stored here that this room's events name and nothing else does."""
        if not self.stats.table_exists("media"):
            return []
        here = media_ids_in(self.stats.iter_url_event_json(room_id), self.server_name)
        if not here:
            return []
        elsewhere = media_ids_in(self.stats.iter_url_event_json(exclude_room_id=room_id),
                                 self.server_name)
        prefix = f"mxc://{self.server_name}/"
        avatars = {url[len(prefix):] for url in self.stats.list_avatar_urls(room_id)
                   if url.startswith(prefix)}
        candidates = sorted(here - elsewhere - avatars)
        return [m for m in candidates if self.stats.count_existing_media([m])]
