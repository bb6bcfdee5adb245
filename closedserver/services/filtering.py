"""Event filters (spec: "Filtering", definitions/event_filter.yaml, room_event_filter.yaml,
sync_filter.yaml): parsing and applying them to events.

Type and sender patterns allow `*` wildcards. `not_*` lists win over the allow lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson

from closedserver.errors import BadJson
from closedserver.matrix.event import Event


@lru_cache(maxsize=1024)
def _pattern(glob: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else re.escape(c) for c in glob) + r"\Z")


def _matches_any(value: str, patterns: Sequence[str]) -> bool:
    return any(p == value or ("*" in p and _pattern(p).match(value)) for p in patterns)


def _str_list(data: Mapping[str, Any], key: str) -> tuple[str, ...] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadJson(f"Filter field '{key}' must be a list of strings")
    return tuple(value)


def _bool(data: Mapping[str, Any], key: str, default: bool | None = False) -> Any:
    value = data.get(key, default)
    if value is not None and not isinstance(value, bool):
        raise BadJson(f"Filter field '{key}' must be a boolean")
    return value


@dataclass(frozen=True)
class EventFilter:
    """EventFilter: limit, types, not_types, senders, not_senders."""

    limit: int | None = None
    types: tuple[str, ...] | None = None
    not_types: tuple[str, ...] = ()
    senders: tuple[str, ...] | None = None
    not_senders: tuple[str, ...] = ()

    @classmethod
    def parse(cls, data: Any) -> EventFilter:
        data = _object(data)
        return cls(_limit(data), _str_list(data, "types"), _str_list(data, "not_types") or (),
                   _str_list(data, "senders"), _str_list(data, "not_senders") or ())

    def allows_type(self, event_type: str) -> bool:
        """The type lists only: what applies to events without a sender (ephemeral events,
        the user's own account data)."""
        if self.not_types and _matches_any(event_type, self.not_types):
            return False
        return self.types is None or _matches_any(event_type, self.types)

    def allows_fields(self, event_type: str, sender: str) -> bool:
        if not self.allows_type(event_type) or sender in self.not_senders:
            return False
        return self.senders is None or sender in self.senders

    def allows(self, event: Event) -> bool:
        return self.allows_fields(event.type, event.sender)


@dataclass(frozen=True)
class RoomEventFilter(EventFilter):
    """RoomEventFilter: EventFilter plus rooms, contains_url and lazy loading."""

    rooms: tuple[str, ...] | None = None
    not_rooms: tuple[str, ...] = ()
    contains_url: bool | None = None
    lazy_load_members: bool = False
    include_redundant_members: bool = False
    unread_thread_notifications: bool = False

    @classmethod
    def parse(cls, data: Any) -> RoomEventFilter:
        data = _object(data)
        base = EventFilter.parse(data)
        return cls(base.limit, base.types, base.not_types, base.senders, base.not_senders,
                   _str_list(data, "rooms"), _str_list(data, "not_rooms") or (),
                   _bool(data, "contains_url", None), _bool(data, "lazy_load_members"),
                   _bool(data, "include_redundant_members"),
                   _bool(data, "unread_thread_notifications"))

    def allows_room(self, room_id: str) -> bool:
        if room_id in self.not_rooms:
            return False
        return self.rooms is None or room_id in self.rooms

    def keeps_everything(self) -> bool:
        """Whether every event passes (then the filter need not be applied)."""
        return self.types is None and not self.not_types and self.senders is None \
            and not self.not_senders and self.rooms is None and not self.not_rooms \
            and self.contains_url is None

    def allows(self, event: Event) -> bool:
        if not super().allows(event) or not self.allows_room(event.room_id):
            return False
        if self.contains_url is not None:
            has_url = isinstance(event.content.get("url"), str)
            return has_url == self.contains_url
        return True


@dataclass(frozen=True)
class RoomFilter:
    """The `room` part of a sync filter."""

    rooms: tuple[str, ...] | None = None
    not_rooms: tuple[str, ...] = ()
    include_leave: bool = False
    timeline: RoomEventFilter = field(default_factory=RoomEventFilter)
    state: RoomEventFilter = field(default_factory=RoomEventFilter)
    ephemeral: RoomEventFilter = field(default_factory=RoomEventFilter)
    account_data: RoomEventFilter = field(default_factory=RoomEventFilter)

    def allows_room(self, room_id: str) -> bool:
        if room_id in self.not_rooms:
            return False
        return self.rooms is None or room_id in self.rooms


@dataclass(frozen=True)
class SyncFilter:
    """A whole Filter object (sync_filter.yaml)."""

    room: RoomFilter = field(default_factory=RoomFilter)
    presence: EventFilter = field(default_factory=EventFilter)
    account_data: EventFilter = field(default_factory=EventFilter)
    event_fields: tuple[str, ...] | None = None
    event_format: str = "client"

    @classmethod
    def parse(cls, data: Any) -> SyncFilter:
        data = _object(data)
        room = _object(data.get("room"))
        event_format = data.get("event_format", "client")
        if event_format not in ("client", "federation"):
            raise BadJson("event_format must be 'client' or 'federation'")
        return cls(
            room=RoomFilter(
                _str_list(room, "rooms"), _str_list(room, "not_rooms") or (),
                _bool(room, "include_leave"),
                RoomEventFilter.parse(room.get("timeline")),
                RoomEventFilter.parse(room.get("state")),
                RoomEventFilter.parse(room.get("ephemeral")),
                RoomEventFilter.parse(room.get("account_data"))),
            presence=EventFilter.parse(data.get("presence")),
            account_data=EventFilter.parse(data.get("account_data")),
            event_fields=_str_list(data, "event_fields"),
            event_format=event_format)


def parse_filter_json(text: str) -> SyncFilter:
    """A filter given inline as JSON text (the `filter` query parameter)."""
    try:
        return SyncFilter.parse(orjson.loads(text))
    except orjson.JSONDecodeError:
        raise BadJson("The filter is not valid JSON") from None


def apply_event_fields(event: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """Keep only the listed dotted fields (spec: `event_fields`, `\\.` escapes a dot)."""
    out: dict[str, Any] = {}
    for dotted in fields:
        path = [part.replace("\\.", ".") for part in re.split(r"(?<!\\)\.", dotted)]
        value: Any = event
        for part in path:
            if not isinstance(value, dict) or part not in value:
                break
            value = value[part]
        else:
            target = out
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = value
    return out


def _object(data: Any) -> Mapping[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadJson("Filter parts must be JSON objects")
    return data


def _limit(data: Mapping[str, Any]) -> int | None:
    value = data.get("limit")
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise BadJson("Filter 'limit' must be a non-negative integer")
    return value
