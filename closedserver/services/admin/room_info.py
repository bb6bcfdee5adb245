"""What the admin sees of rooms: the room list, one room in detail, its members.

Read-only. Names, aliases and settings come from current state; member counts, activity
and event counts from storage/room_stats.py. Media counts are the room's events carrying a
content URL and, when the media repository's table exists, how many of the local media
they name are stored here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from closedserver.matrix.auth_rules.power_levels import room_creators
from closedserver.services.accounts import Accounts
from closedserver.services.admin.acting import Targets
from closedserver.services.rooms.access import RoomAccess
from closedserver.storage.room_stats import RoomStatsRow, RoomStatsStore
from closedserver.storage.rooms import RoomRow

SORTS = ("activity", "members", "name")
_SUMMARY_STATE = [("m.room.name", ""), ("m.room.canonical_alias", ""),
                  ("m.room.encryption", "")]
_DETAIL_STATE = [*_SUMMARY_STATE, ("m.room.topic", ""), ("m.room.join_rules", ""),
                 ("m.room.history_visibility", ""), ("m.room.guest_access", "")]


@dataclass(frozen=True)
class RoomSummary:
    room_id: str
    name: str | None
    canonical_alias: str | None
    version: str
    joined: int
    local: int
    remote: int
    creator: str
    federate: bool
    encrypted: bool
    public: bool
    blocked: bool
    last_activity_ts: int | None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class RoomInfo:
    def __init__(self, access: RoomAccess, accounts: Accounts, targets: Targets) -> None:
        self.access = access
        self.accounts = accounts
        self.targets = targets
        self.stats = RoomStatsStore(access.rooms.db, accounts.server_name)

    def list_rooms(self, *, search: str | None = None,
                   sort: str = "activity") -> list[RoomSummary]:
        stats = self.stats.list_room_stats()
        rooms = [self._summary(room, stats.get(room.room_id))
                 for room in self.access.rooms.list_rooms()]
        if search:
            needle = search.lower()
            rooms = [r for r in rooms if any(needle in (text or "").lower()
                                             for text in (r.room_id, r.name, r.canonical_alias))]
        return _sorted(rooms, sort)

    def _summary(self, room: RoomRow, stats: RoomStatsRow | None) -> RoomSummary:
        state = self._state_content(room.room_id, _SUMMARY_STATE)
        joined = stats.joined if stats else 0
        local = stats.local_joined if stats else 0
        return RoomSummary(
            room_id=room.room_id, name=_text(state, "m.room.name", "name"),
            canonical_alias=_text(state, "m.room.canonical_alias", "alias"),
            version=room.room_version, joined=joined, local=local, remote=joined - local,
            creator=room.creator, federate=room.federate,
            encrypted="m.room.encryption" in state, public=room.is_public,
            blocked=room.blocked, last_activity_ts=stats.last_activity_ts if stats else None)

    def show(self, room: str) -> dict[str, Any]:
        room_id = self.targets.room_id(room)
        row = self.access.room(room_id)
        state = self._state_content(room_id, _DETAIL_STATE)
        stats = self.stats.list_room_stats(room_id).get(room_id)
        canonical = state.get("m.room.canonical_alias", {})
        counts = self.stats.get_member_counts(room_id)
        total, state_events, with_urls = self.stats.count_events(room_id)
        return {
            **self._summary(row, stats).to_json(),
            "topic": _text(state, "m.room.topic", "topic"),
            "alt_aliases": canonical.get("alt_aliases", []),
            "aliases": self.access.rooms.list_aliases(room_id),
            "creators": sorted(room_creators(self.access.room_version(room_id),
                                             self.access.create_event(room_id))),
            "created_ts": row.created_ts, "room_type": row.room_type,
            "encryption": _text(state, "m.room.encryption", "algorithm"),
            "join_rule": _text(state, "m.room.join_rules", "join_rule"),
            "history_visibility": _text(state, "m.room.history_visibility",
                                        "history_visibility"),
            "guest_access": _text(state, "m.room.guest_access", "guest_access"),
            "members": {kind: {"all": counts.count(kind), "local": counts.count(kind, local=True)}
                        for kind in ("join", "invite", "knock", "leave", "ban")},
            "power_levels": self.access.power_levels_content(room_id) or {},
            "events": total, "state_events": state_events,
            "events_with_media": with_urls, "local_media": self._local_media(room_id),
        }

    def members(self, room: str) -> list[dict[str, Any]]:
        room_id = self.targets.room_id(room)
        members = self.access.state.store.list_members(room_id)
        levels = self.access.user_levels(room_id, [m.user_id for m in members])
        return [{"user_id": m.user_id, "membership": m.membership,
                 "displayname": m.displayname, "local": self.accounts.is_local(m.user_id),
                 "power_level": _level(levels[m.user_id])}
                for m in members]

    def _local_media(self, room_id: str) -> int | None:
        """Local media named by the room's events that the media table holds (None when
        this server has no media table)."""
        if not self.stats.table_exists("media"):
            return None
        media_ids = media_ids_in(self.stats.iter_url_event_json(room_id),
                                 self.accounts.server_name)
        return self.stats.count_existing_media(sorted(media_ids))

    def _state_content(self, room_id: str,
                       keys: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
        events = self.access.state.current_events(room_id, keys)
        return {key[0]: dict(event.content) for key, event in events.items()}


def media_ids_in(event_json: Iterable[bytes], server_name: str) -> set[str]:
    """Media IDs of this server named by `content.url` / `content.info.thumbnail_url`."""
    prefix = f"mxc://{server_name}/"
    found = set()
    for raw in event_json:
        content = orjson.loads(raw).get("content", {})
        info = content.get("info")
        urls = [content.get("url"), info.get("thumbnail_url") if isinstance(info, dict) else None]
        found.update(u[len(prefix):] for u in urls if isinstance(u, str) and u.startswith(prefix))
    return found


def _text(state: dict[str, dict[str, Any]], event_type: str, key: str) -> str | None:
    value = state.get(event_type, {}).get(key)
    return value if isinstance(value, str) else None


def _level(level: float) -> int | str:
    return "creator" if level == float("inf") else int(level)


def _sorted(rooms: list[RoomSummary], sort: str) -> list[RoomSummary]:
    if sort == "members":
        return sorted(rooms, key=lambda r: (-r.joined, r.room_id))
    if sort == "name":
        return sorted(rooms, key=lambda r: ((r.name or r.canonical_alias or r.room_id).lower(),
                                            r.room_id))
    return sorted(rooms, key=lambda r: (-(r.last_activity_ts or 0), r.room_id))
