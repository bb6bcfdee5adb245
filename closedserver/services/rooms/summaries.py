"""Room summaries: what a room looks like from outside, and who may see that.

Spec: public_rooms_chunk.yaml (PublishedRoomsChunk), definitions/room_summary.yaml
(RoomSummary: + room_version, encryption, allowed_room_ids), shared by `/publicRooms`,
`/hierarchy` and `/room_summary`. Summaries are built from current state for many rooms at
once (one query per kind of data, events through the cache).

Who may preview a room (space_hierarchy.yaml, room_summary.yaml): members, invitees, anyone
when it is `world_readable` or its join rule is `public`, `knock` or `knock_restricted`, and
users joined to one of the rooms a `restricted` join rule allows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from closedserver.services.event_cache import EventCache
from closedserver.services.rooms.access import RoomAccess
from closedserver.storage.room_directory import RoomDirectoryStore

SUMMARY_TYPES = ("m.room.name", "m.room.topic", "m.room.avatar", "m.room.canonical_alias",
                 "m.room.join_rules", "m.room.history_visibility", "m.room.guest_access",
                 "m.room.encryption")
PREVIEWABLE_JOIN_RULES = ("public", "knock", "knock_restricted")
RESTRICTED_JOIN_RULES = ("restricted", "knock_restricted")


class RoomSummaries:
    def __init__(self, access: RoomAccess, events: EventCache,
                 store: RoomDirectoryStore) -> None:
        self.access = access
        self.events = events
        self.store = store

    def summaries(self, room_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """RoomSummary objects of the known rooms among `room_ids`."""
        basics = self.store.get_room_basics(room_ids)
        known = list(basics)
        state_ids = self.store.list_current_state_ids(known, SUMMARY_TYPES)
        counts = self.store.count_joined_members(known)
        loaded = self.events.get_many(eid for ids in state_ids.values() for eid in ids.values())
        out: dict[str, dict[str, Any]] = {}
        for room_id, room in basics.items():
            contents = {etype: loaded[eid].event.content
                        for etype, eid in state_ids.get(room_id, {}).items() if eid in loaded}
            summary = _summary(room_id, contents, counts.get(room_id, 0))
            summary["room_version"] = room.room_version
            if room.room_type is not None:
                summary["room_type"] = room.room_type
            out[room_id] = summary
        return out

    def summary(self, room_id: str) -> dict[str, Any] | None:
        return self.summaries([room_id]).get(room_id)

    def may_preview(self, user_id: str | None, room_id: str,
                    summary: Mapping[str, Any]) -> bool:
        """Whether the user (None: unauthenticated) may see this room's summary."""
        if summary.get("world_readable"):
            return True
        membership = self.access.membership(room_id, user_id) if user_id else None
        if membership == "ban":
            return False
        join_rule = summary.get("join_rule")
        if join_rule in PREVIEWABLE_JOIN_RULES:
            return True
        if user_id is None:
            return False
        if membership in ("join", "invite"):
            return True
        return join_rule in RESTRICTED_JOIN_RULES and any(
            self.access.membership(allowed, user_id) == "join"
            for allowed in summary.get("allowed_room_ids", []))


def _summary(room_id: str, contents: Mapping[str, Mapping[str, Any]],
             joined: int) -> dict[str, Any]:
    def value(event_type: str, key: str) -> Any:
        return contents.get(event_type, {}).get(key)

    summary: dict[str, Any] = {
        "room_id": room_id, "num_joined_members": joined,
        "world_readable": value("m.room.history_visibility", "history_visibility")
        == "world_readable",
        "guest_can_join": value("m.room.guest_access", "guest_access") == "can_join",
    }
    optional = {
        "name": value("m.room.name", "name"),
        "topic": plain_topic(contents.get("m.room.topic", {})),
        "avatar_url": value("m.room.avatar", "url"),
        "canonical_alias": value("m.room.canonical_alias", "alias"),
        "join_rule": value("m.room.join_rules", "join_rule"),
        "encryption": value("m.room.encryption", "algorithm"),
    }
    summary.update({k: v for k, v in optional.items() if isinstance(v, str) and v})
    if summary.get("join_rule") in RESTRICTED_JOIN_RULES:
        summary["allowed_room_ids"] = _allowed_room_ids(contents["m.room.join_rules"])
    return summary


def plain_topic(content: Mapping[str, Any]) -> str | None:
    """The text/plain topic: from the `m.topic` text block, else the `topic` string."""
    block = content.get("m.topic")
    if isinstance(block, Mapping) and isinstance(block.get("m.text"), list):
        for text in block["m.text"]:
            if isinstance(text, Mapping) and text.get("mimetype", "text/plain") == "text/plain" \
                    and isinstance(text.get("body"), str):
                return text["body"]
    topic = content.get("topic")
    return topic if isinstance(topic, str) else None


def _allowed_room_ids(join_rules: Mapping[str, Any]) -> list[str]:
    allow = join_rules.get("allow")
    if not isinstance(allow, list):
        return []
    return [a["room_id"] for a in allow if isinstance(a, Mapping)
            and a.get("type") == "m.room_membership" and isinstance(a.get("room_id"), str)]


def chunk_of(summary: Mapping[str, Any]) -> dict[str, Any]:
    """A PublishedRoomsChunk: the summary without the RoomSummary-only fields."""
    return {k: v for k, v in summary.items()
            if k not in ("room_version", "encryption", "allowed_room_ids")}
