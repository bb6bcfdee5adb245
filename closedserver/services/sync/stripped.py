"""`invite` and `knock` rooms of a sync: stripped state (spec: "Stripped state", /sync
Invited Room and Knocked Room).

A stripped event keeps only `sender`, `type`, `state_key` and `content`. The room's
create, join rules, name, avatar, topic, canonical alias and encryption events from its
current state, the inviter's own member event, and the user's invite (or knock) itself.
"""

from __future__ import annotations

from typing import Any

from closedserver.matrix.event import Event
from closedserver.services.event_cache import EventCache
from closedserver.storage.state import MemberRow, StateStore
from closedserver.storage.sync import SyncStore

STRIPPED_TYPES = ("m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
                  "m.room.topic", "m.room.canonical_alias", "m.room.encryption")
MEMBER = "m.room.member"


class StrippedState:
    def __init__(self, events: EventCache, store: SyncStore, state_store: StateStore) -> None:
        self.events = events
        self.store = store
        self.state_store = state_store

    def invite_room(self, member: MemberRow) -> dict[str, Any]:
        return {"invite_state": {"events": self._stripped(member)}}

    def knock_room(self, member: MemberRow) -> dict[str, Any]:
        return {"knock_state": {"events": self._stripped(member)}}

    def _stripped(self, member: MemberRow) -> list[dict[str, Any]]:
        ids = list(self.store.list_current_state_of_types(member.room_id,
                                                          STRIPPED_TYPES).values())
        own = self.events.get(member.event_id)
        if own is not None and own.event.sender != member.user_id:
            sender_member = self.state_store.get_current_state_id(member.room_id, MEMBER,
                                                                  own.event.sender)
            if sender_member is not None:
                ids.append(sender_member)
        ids.append(member.event_id)
        loaded = self.events.get_many(ids)
        ordered = sorted(loaded.values(), key=lambda s: s.stream_ordering)
        return [strip(stored.event) for stored in ordered]


def strip(event: Event) -> dict[str, Any]:
    return {"sender": event.sender, "type": event.type, "state_key": event.state_key or "",
            "content": dict(event.content)}
