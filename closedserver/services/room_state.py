"""Room state: current state, and the state at any event through state groups.

A state group is the state before some event: a delta on a previous group, or a full
snapshot every SNAPSHOT_INTERVAL deltas so that resolving a group reads a bounded chain.
Resolved groups are kept in an LRU cache (their maps are shared: never mutate them).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping

from closedserver.matrix.event import Event
from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.storage.database import Database
from closedserver.storage.state import StateKey, StateStore

SNAPSHOT_INTERVAL = 50
GROUP_CACHE_SIZE = 2_000

CREATE = ("m.room.create", "")
POWER_LEVELS = ("m.room.power_levels", "")
JOIN_RULES = ("m.room.join_rules", "")
HISTORY_VISIBILITY = ("m.room.history_visibility", "")


class RoomState:
    def __init__(self, db: Database, events: EventCache) -> None:
        self.store = StateStore(db)
        self.events = events
        self._groups: OrderedDict[int, Mapping[StateKey, str]] = OrderedDict()

    # state groups

    def state_ids_at_group(self, group_id: int) -> Mapping[StateKey, str]:
        cached = self._groups.get(group_id)
        if cached is not None:
            self._groups.move_to_end(group_id)
            return cached
        chain: list[int] = []
        current: int | None = group_id
        base: Mapping[StateKey, str] = {}
        while current is not None:
            if current in self._groups:
                base = self._groups[current]
                break
            chain.append(current)
            info = self.store.get_state_group(current)
            current = info[0] if info else None
        state = dict(base)
        for gid in reversed(chain):
            state.update(self.store.get_state_group_entries(gid))
        self._remember(group_id, state)
        return state

    def _remember(self, group_id: int, state: Mapping[StateKey, str]) -> None:
        self._groups[group_id] = state
        if len(self._groups) > GROUP_CACHE_SIZE:
            self._groups.popitem(last=False)

    def new_group(self, room_id: str, prev_group: int | None,
                  delta: dict[StateKey, str]) -> int:
        """Create the group `prev_group + delta` (inside the caller's transaction)."""
        if prev_group is None:
            return self.store.insert_state_group(room_id, None, 0, delta)
        info = self.store.get_state_group(prev_group)
        chain_length = (info[1] if info else 0) + 1
        if chain_length >= SNAPSHOT_INTERVAL:
            full = {**self.state_ids_at_group(prev_group), **delta}
            return self.store.insert_state_group(room_id, None, 0, full)
        return self.store.insert_state_group(room_id, prev_group, chain_length, delta)

    def state_ids_after(self, stored: StoredEvent) -> Mapping[StateKey, str]:
        before = self.state_ids_at_group(stored.state_group)
        event = stored.event
        if not event.is_state():
            return before
        return {**before, (event.type, event.state_key or ""): event.event_id}

    # current state

    def current_state_ids(self, room_id: str) -> dict[StateKey, str]:
        return self.store.get_current_state_ids(room_id)

    def current_event(self, room_id: str, event_type: str, state_key: str = "") -> Event | None:
        event_id = self.store.get_current_state_id(room_id, event_type, state_key)
        if event_id is None:
            return None
        stored = self.events.get(event_id)
        return stored.event if stored else None

    def current_events(self, room_id: str, keys: Iterable[StateKey]) -> dict[StateKey, Event]:
        ids = self.store.get_current_state_ids_for(room_id, keys)
        loaded = self.events.get_many(ids.values())
        return {key: loaded[eid].event for key, eid in ids.items() if eid in loaded}

    def clear(self) -> None:
        self._groups.clear()
