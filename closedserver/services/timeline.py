"""append_event: the ONE door through which any event enters a room.

For a local event, inside one write transaction: pick prev_events (the forward
extremities) and depth, select auth events from the current state, build, hash and sign the
PDU, check the room version's authorization rules, take the next stream position, then write
the event, the new state group and current state, membership, extremities and the
transaction ID, and evaluate push rules for the room's local members (services/push:
notification counts change in the same transaction). A rejected event raises before
anything is written. After the outermost commit, everyone the event concerns is woken (the
notifier).

Because the transaction (BEGIN IMMEDIATE) spans reading the extremities and writing the
event, two writers can never fork a room or reuse a stream position.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from closedserver.clock import now_ms
from closedserver.errors import BadJson, Forbidden, NotFound, TooLarge
from closedserver.matrix.auth_rules import auth_types_for_event, check_auth_rules
from closedserver.matrix.builder import build_event
from closedserver.matrix.canonical_json import encode_canonical_json
from closedserver.matrix.content_checks import check_event_content
from closedserver.matrix.errors import AuthError, EventFormatError, EventTooLargeError
from closedserver.matrix.event import Event
from closedserver.matrix.redaction import redact_pdu
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.signing import SigningKey
from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.notifier import Notifier
from closedserver.services.push.evaluation import PushActions
from closedserver.services.room_state import CREATE, RoomState
from closedserver.storage.database import Database, next_stream_position
from closedserver.storage.events import EventsStore, NewEventRow
from closedserver.storage.rooms import RoomsStore
from closedserver.storage.state import StateKey

log = logging.getLogger(__name__)

MAX_PREV_EVENTS = 10


@dataclass(frozen=True)
class EventDraft:
    """What a service asks the timeline to send."""

    sender: str
    type: str
    content: Mapping[str, Any]
    state_key: str | None = None
    redacts: str | None = None


@dataclass(frozen=True)
class TxnRef:
    """The client transaction that sent an event (for idempotency and unsigned).

    Spec ("Transaction identifiers"): a retransmission repeats the transaction ID on the
    same path, so `scope` is the request path without it (`send/ROOM/TYPE`).
    """

    user_id: str
    device_id: str
    scope: str
    txn_id: str


@dataclass
class _Batch:
    appended: list[StoredEvent] = field(default_factory=list)


class Timeline:
    def __init__(self, db: Database, events: EventCache, state: RoomState, notifier: Notifier,
                 server_name: str, signing_key: SigningKey, *, push: PushActions) -> None:
        self.db = db
        self.push = push
        self.events = events
        self.state = state
        self.notifier = notifier
        self.server_name = server_name
        self.signing_key = signing_key
        self.rooms = RoomsStore(db)
        self.store = EventsStore(db)
        self._batches: list[_Batch] = []

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for several appends; notifications go out after the commit."""
        batch = _Batch()
        self._batches.append(batch)
        try:
            with self.db.transaction():
                yield
        finally:
            self._batches.pop()
        if self._batches:
            self._batches[-1].appended.extend(batch.appended)
        else:
            self._notify(batch.appended)

    def append(self, room_id: str, draft: EventDraft, *, txn: TxnRef | None = None) -> StoredEvent:
        """Build, authorise and persist a local event (its own transaction if none is open)."""
        with self.batch():
            stored = self._append(room_id, draft, txn)
            self._batches[-1].appended.append(stored)
        return stored

    def create_room_event(self, room_version: RoomVersion, room_id: str | None,
                          draft: EventDraft, *, federate: bool, room_type: str | None,
                          origin_server_ts: int) -> StoredEvent:
        """Append the m.room.create event of a new room (inside the caller's batch).

        `room_id` is None for v12, where the room ID is derived from this event. Raises
        LookupError when that room ID already exists (the caller retries with another ts).
        """
        event = self._build(room_version, room_id, draft, prev_event_ids=[], auth_event_ids=[],
                            depth=1, origin_server_ts=origin_server_ts)
        _check_rules(room_version, event, {}, None)
        if self.rooms.get_room(event.room_id) is not None:
            raise LookupError(event.room_id)
        self.rooms.insert_room(event.room_id, room_version.identifier, draft.sender,
                               origin_server_ts, room_type, federate)
        stored = self._persist(event, prev_group=None, prev_event_ids=[], txn=None)
        self._batches[-1].appended.append(stored)
        return stored

    # the write path

    def _append(self, room_id: str, draft: EventDraft, txn: TxnRef | None) -> StoredEvent:
        room = self.rooms.get_room(room_id)
        version = self.events.room_version(room_id)
        if room is None or version is None:
            raise NotFound(f"Unknown room {room_id}")
        auth_keys = auth_types_for_event(version, draft.type, draft.state_key, draft.sender,
                                         draft.content)
        auth_state = self.state.current_events(room_id, {*auth_keys, CREATE})
        create_event = auth_state.get(CREATE)
        if create_event is None:
            raise NotFound(f"Room {room_id} has no create event")
        auth_ids = [auth_state[k].event_id for k in sorted(auth_keys) if k in auth_state]
        prev_ids = self.rooms.get_extremities(room_id)[:MAX_PREV_EVENTS]
        prev_events = self.events.get_many(prev_ids)
        depth = max((s.event.depth for s in prev_events.values()), default=0) + 1
        event = self._build(version, room_id, draft, prev_event_ids=prev_ids,
                            auth_event_ids=auth_ids, depth=depth, origin_server_ts=now_ms())
        _check_rules(version, event, {k: v for k, v in auth_state.items() if k in auth_keys},
                     create_event)
        return self._persist(event, prev_group=room.current_state_group,
                             prev_event_ids=prev_ids, txn=txn)

    def _build(self, version: RoomVersion, room_id: str | None, draft: EventDraft, *,
               prev_event_ids: list[str], auth_event_ids: list[str], depth: int,
               origin_server_ts: int) -> Event:
        """Build a local event; its m.room.* content must match the spec's schema."""
        try:
            check_event_content(draft.type, draft.content, draft.state_key)
            return build_event(
                version, server_name=self.server_name, signing_key=self.signing_key,
                sender=draft.sender, event_type=draft.type, content=draft.content,
                state_key=draft.state_key, room_id=room_id, prev_event_ids=prev_event_ids,
                auth_event_ids=auth_event_ids, depth=depth, origin_server_ts=origin_server_ts,
                redacts=draft.redacts)
        except EventTooLargeError as exc:
            raise TooLarge(f"Event too large: {exc}") from None
        except EventFormatError as exc:
            raise BadJson(f"Bad event: {exc}") from None

    def _persist(self, event: Event, *, prev_group: int | None, prev_event_ids: list[str],
                 txn: TxnRef | None) -> StoredEvent:
        conn = self.db.conn
        position = next_stream_position(conn)
        room_id = event.room_id
        replaces_state = None
        group_after = prev_group
        if event.is_state():
            key: StateKey = (event.type, event.state_key or "")
            replaces_state = self.state.store.get_current_state_id(room_id, *key)
            group_after = self.state.new_group(room_id, prev_group, {key: event.event_id})
            self.state.store.upsert_current_state(room_id, key[0], key[1], event.event_id)
            if event.type == "m.room.member":
                self._update_member(event, position)
        relation = _relation_of(event)
        self.store.insert_event(NewEventRow(
            stream_ordering=position, event_id=event.event_id, room_id=room_id,
            type=event.type, state_key=event.state_key, sender=event.sender, depth=event.depth,
            origin_server_ts=event.origin_server_ts,
            # The state before a create event is empty: give it the group after it.
            state_group=prev_group if prev_group is not None else group_after,  # type: ignore
            replaces_state=replaces_state, relates_to=relation[0], rel_type=relation[1],
            aggregation_key=relation[2], thread_id=relation[3],
            contains_url=isinstance(event.content.get("url"), str),
            json=event.canonical_json))
        self.rooms.replace_extremities(room_id, prev_event_ids, event.event_id)
        self.rooms.update_head(room_id, group_after, position)  # type: ignore[arg-type]
        if event.type == "m.room.redaction" and event.redacts:
            self._apply_redaction(event)
        if txn is not None:
            self.store.insert_txn_id(txn.user_id, txn.device_id, txn.scope, txn.txn_id,
                                     event.event_id, now_ms())
        stored = StoredEvent(event, position, prev_group if prev_group is not None
                             else group_after, replaces_state, None)  # type: ignore[arg-type]
        self.events.put(stored)
        # Push rules for the room's local members, in this transaction: counts are exact
        # and appear with the event.
        self.push.on_event(stored)
        return stored

    def _apply_redaction(self, redaction: Event) -> None:
        """Prune the target's stored JSON (spec: redaction algorithm of the room version).

        Whether the sender may redact that target (its own event, or enough power) was
        checked by the service before sending; the original content is not kept.
        """
        target = self.events.get(redaction.redacts or "")
        if target is None or target.room_id != redaction.room_id or target.redacted_by:
            return
        pruned = redact_pdu(target.event.room_version, target.event.get_pdu_json())
        self.store.update_redacted(target.event_id, redaction.event_id,
                                   encode_canonical_json(pruned))
        self.events.invalidate(target.event_id)

    def _update_member(self, event: Event, position: int) -> None:
        content = event.content
        displayname = content.get("displayname")
        avatar_url = content.get("avatar_url")
        self.state.store.upsert_member(
            event.room_id, event.state_key or "", str(content.get("membership")),
            event.event_id, position,
            displayname if isinstance(displayname, str) else None,
            avatar_url if isinstance(avatar_url, str) else None)

    def _notify(self, appended: list[StoredEvent]) -> None:
        if not appended:
            return
        users: set[str] = set()
        for room_id in {s.room_id for s in appended}:
            users.update(self.state.store.list_joined_user_ids(room_id))
        for stored in appended:
            users.add(stored.event.sender)
            if stored.event.type == "m.room.member" and stored.event.state_key:
                users.add(stored.event.state_key)
        self.notifier.notify_users(users)


def _check_rules(version: RoomVersion, event: Event, auth_state: Mapping[StateKey, Event],
                 create_event: Event | None) -> None:
    try:
        check_auth_rules(version, event, auth_state, create_event)
    except AuthError as exc:
        raise Forbidden(str(exc)) from None


def _relation_of(event: Event) -> tuple[str | None, str | None, str | None, str | None]:
    """(relates_to, rel_type, aggregation key, thread root) from m.relates_to."""
    relates = event.content.get("m.relates_to")
    if not isinstance(relates, Mapping):
        return (None, None, None, None)
    parent = relates.get("event_id")
    rel_type = relates.get("rel_type")
    if not isinstance(parent, str) or not isinstance(rel_type, str):
        return (None, None, None, None)
    key = relates.get("key") if rel_type == "m.annotation" else None
    thread = parent if rel_type == "m.thread" else None
    return (parent, rel_type, key if isinstance(key, str) else None, thread)
