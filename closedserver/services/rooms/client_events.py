"""Stored events -> the client event format, with the `unsigned` data clients rely on.

Spec: Client-Server API, "Room Event Format" (ClientEvent), "Unsigned data": `age`,
`transaction_id` (only to the device that sent it), `prev_content` / `replaces_state` /
`prev_sender` for state events, `redacted_because`, `membership` (the requester's membership
at the event), and the server-side aggregations of "Aggregations of child events":
`m.relations` with `m.replace`, `m.thread` and `m.reference`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from closedserver.clock import now_ms
from closedserver.matrix.event import Event
from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.storage.events import EventsStore
from closedserver.storage.relations import RelationsStore


def base_client_event(event_pdu: dict[str, Any], event_id: str, room_id: str, *,
                      with_room_id: bool = True) -> dict[str, Any]:
    """The ClientEvent fields of a PDU (no unsigned)."""
    out: dict[str, Any] = {
        "content": event_pdu.get("content", {}),
        "event_id": event_id,
        "origin_server_ts": event_pdu.get("origin_server_ts", 0),
        "sender": event_pdu.get("sender"),
        "type": event_pdu.get("type"),
    }
    if "state_key" in event_pdu:
        out["state_key"] = event_pdu["state_key"]
    if with_room_id:
        out["room_id"] = room_id
    redacts = event_pdu.get("redacts")
    if redacts is not None:
        out["redacts"] = redacts
    elif event_pdu.get("type") == "m.room.redaction":
        inner = event_pdu.get("content", {}).get("redacts")
        if isinstance(inner, str):
            out["redacts"] = inner
    return out


# A child event in a bundled aggregation: (event_id, sender, origin_server_ts), in stream
# order.
_Child = tuple[str, str, int]


class ClientEventSerializer:
    """Serialises batches of events for one requester, fetching related data in bulk."""

    def __init__(self, events: EventCache) -> None:
        self.events = events
        self.store: EventsStore = events.store
        self.relations = RelationsStore(events.store.db)

    def serialize(self, stored_events: Sequence[StoredEvent], *, user_id: str | None = None,
                  device_id: str | None = None, with_room_id: bool = True,
                  aggregations: bool = True,
                  memberships: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Client events in the given order. `memberships` maps event_id -> the requester's
        membership at that event (for `unsigned.membership`), when the caller knows it."""
        if not stored_events:
            return []
        now = now_ms()
        extra_ids = {s.replaces_state for s in stored_events if s.replaces_state}
        extra_ids |= {s.redacted_by for s in stored_events if s.redacted_by}
        extra = self.events.get_many(extra_ids) if extra_ids else {}
        relations = self._aggregations(stored_events, user_id) if aggregations else {}
        txn_ids = self._txn_ids(stored_events, user_id, device_id)
        out = []
        for stored in stored_events:
            client = self._one(stored, now, extra, with_room_id)
            if stored.event_id in txn_ids:
                client["unsigned"]["transaction_id"] = txn_ids[stored.event_id]
            if stored.event_id in relations:
                client["unsigned"]["m.relations"] = relations[stored.event_id]
            if memberships and stored.event_id in memberships:
                client["unsigned"]["membership"] = memberships[stored.event_id]
            out.append(client)
        return out

    def _txn_ids(self, stored_events: Sequence[StoredEvent], user_id: str | None,
                 device_id: str | None) -> dict[str, str]:
        """event_id -> transaction ID of the requester's own events sent from this device.

        Only message events (PUT /send, /redact) are sent with a transaction ID: state events
        never need the lookup, so a sync's state sections cost no query.
        """
        if user_id is None or device_id is None:
            return {}
        own = [s.event_id for s in stored_events
               if s.event.sender == user_id and not s.event.is_state()]
        return self.store.get_txn_ids_of_events(user_id, device_id, own) if own else {}

    def serialize_one(self, stored: StoredEvent, **kwargs: Any) -> dict[str, Any]:
        return self.serialize([stored], **kwargs)[0]

    def _one(self, stored: StoredEvent, now: int, extra: dict[str, StoredEvent],
             with_room_id: bool) -> dict[str, Any]:
        event = stored.event
        pdu = event.get_pdu_json() if stored.redacted_by else _shallow_pdu(event)
        client = base_client_event(pdu, event.event_id, event.room_id, with_room_id=with_room_id)
        unsigned: dict[str, Any] = {"age": max(0, now - event.origin_server_ts)}
        if stored.replaces_state and stored.replaces_state in extra:
            previous = extra[stored.replaces_state].event
            unsigned["replaces_state"] = previous.event_id
            unsigned["prev_content"] = dict(previous.content)
            unsigned["prev_sender"] = previous.sender
        if stored.redacted_by and stored.redacted_by in extra:
            redaction = extra[stored.redacted_by]
            unsigned["redacted_because"] = self._one(redaction, now, {}, with_room_id)
        client["unsigned"] = unsigned
        return client

    def _aggregations(self, stored_events: Iterable[StoredEvent],
                      user_id: str | None) -> dict[str, dict[str, Any]]:
        parents = {s.event_id: s for s in stored_events if not s.redacted_by}
        rows = self.relations.list_related_ids(list(parents))
        if not rows:
            return {}
        by_parent: dict[str, dict[str, list[_Child]]] = {}
        for parent, rel_type, event_id, sender, origin_server_ts in rows:
            by_parent.setdefault(parent, {}).setdefault(rel_type, []).append(
                (event_id, sender, origin_server_ts))
        wanted: set[str] = set()
        for parent_id, kinds in by_parent.items():
            wanted.update(event_id for event_id, sender, _ in kinds.get("m.replace", [])
                          if sender == parents[parent_id].event.sender)
            if kinds.get("m.thread"):
                wanted.add(kinds["m.thread"][-1][0])
        loaded = self.events.get_many(wanted)
        now = now_ms()
        result: dict[str, dict[str, Any]] = {}
        for parent_id, kinds in by_parent.items():
            result[parent_id] = self._relations_of(parents[parent_id], kinds, loaded, user_id,
                                                   now)
        return {k: v for k, v in result.items() if v}

    def _relations_of(self, parent: StoredEvent, kinds: dict[str, list[_Child]],
                      loaded: dict[str, StoredEvent], user_id: str | None,
                      now: int) -> dict[str, Any]:
        relations: dict[str, Any] = {}
        edit = _latest_edit(parent, kinds, loaded)
        if edit is not None:
            relations["m.replace"] = self._one(edit, now, {}, True)
        thread = kinds.get("m.thread")
        if thread and thread[-1][0] in loaded:
            relations["m.thread"] = {
                "latest_event": self._one(loaded[thread[-1][0]], now, {}, True),
                "count": len(thread),
                "current_user_participated": user_id is not None and (
                    parent.event.sender == user_id or any(r[1] == user_id for r in thread)),
            }
        references = kinds.get("m.reference")
        if references:
            relations["m.reference"] = {"chunk": [{"event_id": r[0]} for r in references]}
        return relations


def _latest_edit(parent: StoredEvent, kinds: dict[str, list[_Child]],
                 loaded: dict[str, StoredEvent]) -> StoredEvent | None:
    """The most recent valid replacement (spec, event replacements: the largest
    origin_server_ts, then the lexicographically largest event ID)."""
    edits = [(ts, event_id) for event_id, _, ts in kinds.get("m.replace", [])
             if event_id in loaded and _replaces(loaded[event_id].event, parent.event)]
    return loaded[max(edits)[1]] if edits else None


def _replaces(edit: Event, original: Event) -> bool:
    """Spec ("Validity of replacement events"): same sender and type, neither a state event,
    the original not an edit itself, and `m.new_content` (inside the ciphertext when
    encrypted, where the server cannot look)."""
    relates = original.content.get("m.relates_to")
    original_is_edit = isinstance(relates, Mapping) and relates.get("rel_type") == "m.replace"
    return edit.sender == original.sender and edit.type == original.type \
        and not edit.is_state() and not original.is_state() and not original_is_edit \
        and (edit.type == "m.room.encrypted" or "m.new_content" in edit.content)


def _shallow_pdu(event: Any) -> dict[str, Any]:
    """The PDU's fields without a deep copy (we only read them to build a new dict)."""
    return {
        "content": dict(event.content), "origin_server_ts": event.origin_server_ts,
        "sender": event.sender, "type": event.type,
        **({"state_key": event.state_key} if event.is_state() else {}),
        **({"redacts": event.redacts} if event.redacts and "redacts" not in event.content
           else {}),
    }
