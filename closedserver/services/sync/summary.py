"""The `summary` of a joined room (spec: /sync RoomSummary).

`m.joined_member_count` and `m.invited_member_count`, and, when the room has no name and no
canonical alias, `m.heroes`: the first 5 other joined or invited members by stream order
(else the left or banned ones). Sent in full on initial-style syncs and whenever the room's
membership changed since the token; otherwise the summary is `{}` (unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from closedserver.services.event_cache import EventCache
from closedserver.storage.state import StateKey
from closedserver.storage.sync import SyncStore

HEROES = 5
NAME = ("m.room.name", "")
CANONICAL_ALIAS = ("m.room.canonical_alias", "")


class SummaryReader:
    def __init__(self, events: EventCache, store: SyncStore) -> None:
        self.events = events
        self.store = store

    def summary(self, room_id: str, user_id: str,
                current_state: Mapping[StateKey, str] | None) -> dict[str, Any]:
        counts = self.store.count_members(room_id)
        summary: dict[str, Any] = {
            "m.joined_member_count": counts.get("join", 0),
            "m.invited_member_count": counts.get("invite", 0),
        }
        if not self._has_name(room_id, current_state):
            heroes = self.store.list_heroes(room_id, user_id, ("join", "invite"), HEROES) \
                or self.store.list_heroes(room_id, user_id, ("leave", "ban"), HEROES)
            summary["m.heroes"] = heroes
        return summary

    def _has_name(self, room_id: str, current_state: Mapping[StateKey, str] | None) -> bool:
        if current_state is not None:
            ids = {key: current_state[key] for key in (NAME, CANONICAL_ALIAS)
                   if key in current_state}
        else:
            ids = self.store.list_current_state_of_types(room_id, [NAME[0],
                                                                   CANONICAL_ALIAS[0]])
        loaded = self.events.get_many(ids.values())
        name = loaded.get(ids.get(NAME, ""))
        alias = loaded.get(ids.get(CANONICAL_ALIAS, ""))
        return bool(name and name.event.content.get("name")) or bool(
            alias and alias.event.content.get("alias"))
