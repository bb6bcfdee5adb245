"""Reading rooms: state, single events, members, history pages and event context.

Spec: room_state.yaml, rooms.yaml (event, state, members, joined_members),
message_pagination.yaml, event_context.yaml, room_event_by_timestamp.yaml. Reads follow
history visibility: current members read everything visible to them; former members read
up to the point they left; others only `world_readable` rooms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from closedserver.errors import Forbidden, NotFound
from closedserver.services.event_cache import StoredEvent
from closedserver.services.filtering import RoomEventFilter
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.client_events import ClientEventSerializer
from closedserver.services.rooms.visibility import Visibility
from closedserver.services.sessions import Requester
from closedserver.services.stream_tokens import make_token, parse_stream_token
from closedserver.storage.events import EventsStore
from closedserver.storage.state import StateKey

MAX_PAGE = 1000
_SCAN_BATCH = 200


@dataclass
class Page:
    """A /messages answer: events in the order asked, tokens and lazy-loaded members."""

    chunk: list[dict[str, Any]]
    start: str
    end: str | None
    state: list[dict[str, Any]]


class RoomReader:
    def __init__(self, access: RoomAccess, visibility: Visibility,
                 serializer: ClientEventSerializer) -> None:
        self.access = access
        self.visibility = visibility
        self.serializer = serializer
        self.events = access.events
        self.store: EventsStore = access.events.store

    # state

    def readable_state_ids(self, user_id: str, room_id: str) -> Mapping[StateKey, str]:
        """Current state for members; the state when they left for former members;
        current state for anyone in a world-readable room; else 403."""
        member = self.access.state.store.get_member(room_id, user_id)
        if member is not None and member.membership == "join":
            return self.access.state.current_state_ids(room_id)
        self.access.room(room_id)
        if member is not None and member.membership in ("leave", "ban"):
            stored = self.events.get(member.event_id)
            if stored is not None and self._was_member_before(stored):
                return self.access.state.state_ids_after(stored)
        if self.access.world_readable(room_id):
            return self.access.state.current_state_ids(room_id)
        raise Forbidden(f"You are not allowed to read the state of {room_id}")

    def _was_member_before(self, leave: StoredEvent) -> bool:
        if leave.replaces_state is None:
            return False
        previous = self.events.get(leave.replaces_state)
        return previous is not None and previous.event.content.get("membership") in (
            "join", "invite", "knock")

    def get_state(self, requester: Requester, room_id: str) -> list[dict[str, Any]]:
        state_ids = self.readable_state_ids(requester.user_id, room_id)
        loaded = self.events.get_many(state_ids.values())
        stored = sorted(loaded.values(), key=lambda s: s.stream_ordering)
        return self.serializer.serialize(stored, user_id=requester.user_id, aggregations=False)

    def get_state_event(self, requester: Requester, room_id: str, event_type: str,
                        state_key: str) -> StoredEvent:
        state_ids = self.readable_state_ids(requester.user_id, room_id)
        event_id = state_ids.get((event_type, state_key))
        stored = self.events.get(event_id) if event_id else None
        if stored is None:
            raise NotFound(f"No {event_type} state with key {state_key!r} in this room")
        return stored

    # single events

    def get_event(self, requester: Requester, room_id: str, event_id: str) -> dict[str, Any]:
        stored = self.visible_event(requester.user_id, room_id, event_id)
        return self.serializer.serialize_one(
            stored, user_id=requester.user_id, device_id=requester.device_id,
            memberships=self._memberships_at(requester.user_id, [stored]))

    def visible_event(self, user_id: str, room_id: str, event_id: str) -> StoredEvent:
        self.access.room(room_id)
        stored = self.events.get(event_id)
        if stored is None or stored.room_id != room_id \
                or not self.visibility.can_see_event(user_id, stored):
            raise NotFound("Event not found, or you may not see it")
        return stored

    # members

    def members(self, requester: Requester, room_id: str, *, at: str | None,
                membership: str | None, not_membership: str | None) -> list[dict[str, Any]]:
        if at is not None:
            state_ids = self._state_at_token(requester.user_id, room_id, at)
        else:
            state_ids = self.readable_state_ids(requester.user_id, room_id)
        member_ids = [eid for (etype, _), eid in state_ids.items() if etype == "m.room.member"]
        loaded = self.events.get_many(member_ids)
        chosen = [s for s in loaded.values()
                  if (membership is None or s.event.content.get("membership") == membership)
                  and (not_membership is None
                       or s.event.content.get("membership") != not_membership)]
        chosen.sort(key=lambda s: s.event.state_key or "")
        return self.serializer.serialize(chosen, user_id=requester.user_id, aggregations=False)

    def _state_at_token(self, user_id: str, room_id: str, token: str) -> Mapping[StateKey, str]:
        position = parse_stream_token(token)
        self.readable_state_ids(user_id, room_id)
        rows = self.store.list_room_events(room_id, after=0, before=position + 1, limit=1,
                                           backwards=True)
        if not rows:
            return {}
        return self.access.state.state_ids_after(self.events.from_row(rows[0]))

    def joined_members(self, requester: Requester, room_id: str) -> dict[str, Any]:
        self.access.require_joined(room_id, requester.user_id)
        members = self.access.state.store.list_members(room_id, "join")
        return {m.user_id: {"display_name": m.displayname, "avatar_url": m.avatar_url}
                for m in members}

    # history

    def messages(self, requester: Requester, room_id: str, *, from_token: str | None,
                 to_token: str | None, backwards: bool, limit: int,
                 event_filter: RoomEventFilter) -> Page:
        self._require_history_access(requester.user_id, room_id)
        limit = max(0, min(limit, MAX_PAGE))
        room = self.access.room(room_id)
        if from_token is not None:
            position = parse_stream_token(from_token)
        else:
            position = room.last_stream_ordering if backwards else 0
        bound = parse_stream_token(to_token) if to_token is not None else None
        found, end_position, exhausted = self._scan(
            requester.user_id, room_id, position, bound, backwards, limit, event_filter)
        chunk = self.serializer.serialize(found, user_id=requester.user_id,
                                          device_id=requester.device_id,
                                          memberships=self._memberships_at(requester.user_id,
                                                                           found))
        state = self._lazy_members(requester.user_id, found, event_filter)
        end = None if exhausted else make_token(end_position)
        return Page(chunk, make_token(position), end, state)

    def _scan(self, user_id: str, room_id: str, position: int, bound: int | None,
              backwards: bool, limit: int, event_filter: RoomEventFilter
              ) -> tuple[list[StoredEvent], int, bool]:
        """Walk the room from `position`, keeping visible events that pass the filter.

        Token semantics: `sN` sits just after the event at stream position N, so going
        backwards from sN starts at N, forwards starts at N + 1.
        """
        found: list[StoredEvent] = []
        cursor = position
        batch_size = min(max(limit + 1, 20), _SCAN_BATCH)
        while len(found) < limit:
            if backwards:
                low = bound if bound is not None else 0
                rows = self.store.list_room_events(room_id, after=low, before=cursor + 1,
                                                   limit=batch_size, backwards=True)
            else:
                high = bound + 1 if bound is not None else 1 << 62
                rows = self.store.list_room_events(room_id, after=cursor, before=high,
                                                   limit=batch_size, backwards=False)
            if not rows:
                return found, cursor, True
            batch = [self.events.from_row(r) for r in rows]
            visible, _ = self.visibility.filter_events(user_id, batch)
            visible_ids = {s.event_id for s in visible}
            for stored in batch:
                cursor = stored.stream_ordering - 1 if backwards else stored.stream_ordering
                if stored.event_id in visible_ids and event_filter.allows(stored.event):
                    found.append(stored)
                    if len(found) == limit:
                        break
            if len(rows) < batch_size and len(found) < limit:
                return found, cursor, True
        return found, cursor, False

    def _memberships_at(self, user_id: str, events: Sequence[StoredEvent]) -> dict[str, str]:
        """The requester's membership at each event (spec: `unsigned.membership`)."""
        return self.visibility.filter_events(user_id, events)[1]

    def _lazy_members(self, user_id: str, events: Sequence[StoredEvent],
                      event_filter: RoomEventFilter) -> list[dict[str, Any]]:
        if not event_filter.lazy_load_members or not events:
            return []
        senders = {s.event.sender for s in events}
        wanted: dict[str, StoredEvent] = {}
        for stored in events:
            state_ids = self.access.state.state_ids_after(stored)
            for sender in senders - set(wanted):
                event_id = state_ids.get(("m.room.member", sender))
                member = self.events.get(event_id) if event_id else None
                if member is not None:
                    wanted[sender] = member
            if len(wanted) == len(senders):
                break
        return self.serializer.serialize(list(wanted.values()), user_id=user_id,
                                         aggregations=False)

    def _require_history_access(self, user_id: str, room_id: str) -> None:
        membership = self.access.membership(room_id, user_id)
        if membership in ("join", "leave", "ban", "invite", "knock"):
            return
        self.access.room(room_id)
        if not self.access.world_readable(room_id):
            raise Forbidden(f"You are not allowed to read the history of {room_id}")

    # context and timestamps

    def context(self, requester: Requester, room_id: str, event_id: str, *, limit: int,
                event_filter: RoomEventFilter) -> dict[str, Any]:
        stored = self.visible_event(requester.user_id, room_id, event_id)
        limit = max(0, min(limit, MAX_PAGE))
        before_n = limit // 2
        after_n = limit - before_n
        before, start, _ = self._scan(requester.user_id, room_id, stored.stream_ordering - 1,
                                      None, True, before_n, event_filter)
        after, end, _ = self._scan(requester.user_id, room_id, stored.stream_ordering, None,
                                   False, after_n, event_filter)
        user = {"user_id": requester.user_id, "device_id": requester.device_id,
                "memberships": self._memberships_at(requester.user_id,
                                                    [*before, stored, *after])}
        last = after[-1] if after else stored
        state_ids = self.access.state.state_ids_after(last)
        if event_filter.lazy_load_members:
            state = self._lazy_members(requester.user_id, [*before, stored, *after],
                                       event_filter)
        else:
            loaded = self.events.get_many(state_ids.values())
            state = self.serializer.serialize(
                sorted(loaded.values(), key=lambda s: s.stream_ordering),
                user_id=requester.user_id, aggregations=False)
        return {
            "event": self.serializer.serialize_one(stored, **user),
            "events_before": self.serializer.serialize(before, **user),
            "events_after": self.serializer.serialize(after, **user),
            "start": make_token(start), "end": make_token(end), "state": state,
        }

    def event_at_timestamp(self, requester: Requester, room_id: str, ts: int,
                           forwards: bool) -> StoredEvent:
        self._require_history_access(requester.user_id, room_id)
        row = self.store.find_event_by_ts(room_id, ts, forwards)
        while row is not None:
            stored = self.events.from_row(row)
            if self.visibility.can_see_event(requester.user_id, stored):
                return stored
            next_ts = row.origin_server_ts + (1 if forwards else -1)
            row = self.store.find_event_by_ts(room_id, next_ts, forwards)
        raise NotFound("No event found at or around that time")
