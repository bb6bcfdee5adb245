"""Tiny event factories for the matrix tests: real, signed events in real room DAGs.

`RoomBuilder` keeps a room's events and current state. `build_*` methods return a new
event without adding it; `add` (and the `send_*` shortcuts) append it, after checking it
against the auth rules (both against its auth events and against the current state), so
every setup in the tests is itself a valid room history.
"""

import copy
import hashlib
import itertools
from collections.abc import Mapping
from typing import Any

from closedserver.matrix.auth_rules import (
    check_auth_rules,
    check_event_auth,
    select_auth_event_ids,
)
from closedserver.matrix.builder import build_event
from closedserver.matrix.event import Event, StateKey, event_from_pdu
from closedserver.matrix.event_signing import add_hashes_and_signatures
from closedserver.matrix.ids import get_server_name
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.signing import SigningKey

SERVER = "example.org"
ALICE = "@alice:example.org"  # creates the room
BOB = "@bob:example.org"  # moderator (50)
CAROL = "@carol:example.org"  # regular member (0)
DAVE = "@dave:example.org"  # not in the room
EVE = "@eve:other.org"  # on another server, not in the room

_room_numbers = itertools.count(1)


def signing_key_for(server_name: str) -> SigningKey:
    """A deterministic signing key per server."""
    return SigningKey.from_seed(hashlib.sha256(server_name.encode()).digest(), "1")


class RoomBuilder:
    def __init__(
        self,
        room_version: RoomVersion,
        creator: str = ALICE,
        create_content: Mapping[str, Any] | None = None,
    ) -> None:
        self.room_version = room_version
        self.events: dict[str, Event] = {}
        self.state: dict[StateKey, Event] = {}
        self.last_event: Event | None = None
        self._clock = itertools.count(1_000_001)  # shared with forks: timestamps stay unique
        content = {"room_version": room_version.identifier}
        if room_version.create_event_requires_creator:
            content["creator"] = creator
        content.update(create_content or {})
        self.create_event = self.add(self.build(creator, "m.room.create", content, ""))

    @property
    def room_id(self) -> str:
        return self.create_event.room_id

    def fork(self) -> "RoomBuilder":
        """A branch of the DAG from the current event: same event store, own state."""
        branch = copy.copy(self)
        branch.state = dict(self.state)
        return branch

    def state_ids(self) -> dict[StateKey, str]:
        return {key: event.event_id for key, event in self.state.items()}

    def get_event(self, event_id: str) -> Event | None:
        return self.events.get(event_id)

    # -- building ----------------------------------------------------------------
    def build(
        self,
        sender: str,
        event_type: str,
        content: Mapping[str, Any],
        state_key: str | None = None,
        *,
        prev_events: list[str] | None = None,
        auth_events: list[str] | None = None,
        redacts: str | None = None,
    ) -> Event:
        is_create = event_type == "m.room.create" and not self.events
        current = {key: event.event_id for key, event in self.state.items()}
        if auth_events is None:
            auth_events = select_auth_event_ids(
                self.room_version, event_type, state_key, sender, content, current
            )
        if prev_events is None:
            prev_events = [self.last_event.event_id] if self.last_event else []
        depth = max((self.events[p].depth for p in prev_events), default=0) + 1
        hash_room_id = is_create and self.room_version.room_id_is_create_event_hash
        return build_event(
            self.room_version, server_name=get_server_name(sender),
            signing_key=signing_key_for(get_server_name(sender)), sender=sender,
            event_type=event_type, content=content, state_key=state_key,
            room_id=None if hash_room_id else self._room_id_for_new_event(sender, is_create),
            prev_event_ids=prev_events, auth_event_ids=auth_events, depth=depth,
            origin_server_ts=next(self._clock), redacts=redacts,
        )  # fmt: skip

    def _room_id_for_new_event(self, sender: str, is_create: bool) -> str:
        if is_create:
            return f"!room{next(_room_numbers)}:{get_server_name(sender)}"
        return self.room_id

    def build_member(
        self, sender: str, membership: str, target: str | None = None, **extra: Any
    ) -> Event:
        content = {"membership": membership, **extra}
        return self.build(sender, "m.room.member", content, target or sender)

    def build_state(
        self, sender: str, event_type: str, content: Mapping[str, Any], state_key: str = ""
    ) -> Event:
        return self.build(sender, event_type, content, state_key)

    def build_message(self, sender: str, body: str = "hello") -> Event:
        return self.build(sender, "m.room.message", {"msgtype": "m.text", "body": body})

    def build_power_levels(self, sender: str, **changes: Any) -> Event:
        """The current power levels with top-level keys replaced by `changes`."""
        current = self.state.get(("m.room.power_levels", ""))
        content = copy.deepcopy(dict(current.content)) if current else {}
        content.update(changes)
        return self.build_state(sender, "m.room.power_levels", content)

    def rebuild(self, event: Event, change: Any) -> Event:
        """Re-sign `event` after `change(pdu)` edits its PDU (for malformed events)."""
        pdu = event.get_pdu_json()
        change(pdu)
        pdu.pop("signatures", None)
        sender_server = get_server_name(pdu["sender"])
        add_hashes_and_signatures(
            self.room_version, pdu, sender_server, signing_key_for(sender_server)
        )
        return event_from_pdu(pdu, self.room_version)

    def cosign(self, event: Event, server_name: str) -> Event:
        """Add a second server's signature (e.g. of a restricted join's authoriser)."""
        pdu = event.get_pdu_json()
        add_hashes_and_signatures(self.room_version, pdu, server_name, signing_key_for(server_name))
        return event_from_pdu(pdu, self.room_version)

    # -- adding ------------------------------------------------------------------
    def add(self, event: Event, *, check: bool = True) -> Event:
        if check:
            self.check(event)
        self.events[event.event_id] = event
        if event.is_state():
            self.state[event.state_map_key] = event
        self.last_event = event
        return event

    def check(self, event: Event) -> None:
        """The auth rules, against the event's auth events and against current state."""
        create = self.create_event if self.events else event
        auth_events = [self.events[event_id] for event_id in event.auth_event_ids]
        check_event_auth(self.room_version, event, auth_events, create)
        check_auth_rules(self.room_version, event, self.state, create)

    def send_member(self, sender: str, membership: str, target: str | None = None,
                    **extra: Any) -> Event:  # fmt: skip
        return self.add(self.build_member(sender, membership, target, **extra))

    def send_state(self, sender: str, event_type: str, content: Mapping[str, Any],
                   state_key: str = "") -> Event:  # fmt: skip
        return self.add(self.build_state(sender, event_type, content, state_key))

    def send_power_levels(self, sender: str = ALICE, **changes: Any) -> Event:
        return self.add(self.build_power_levels(sender, **changes))

    def set_join_rule(self, join_rule: str, **extra: Any) -> Event:
        return self.send_state(ALICE, "m.room.join_rules", {"join_rule": join_rule, **extra})


def standard_power_levels(room_version: RoomVersion) -> dict[str, Any]:
    users = {ALICE: 100, BOB: 50}
    tombstone_level = 100
    if room_version.creators_have_infinite_power:
        del users[ALICE]  # v12: creators may not be listed
        tombstone_level = 150  # v12 rooms must set it above state_default
    return {
        "users": users, "users_default": 0, "events_default": 0, "state_default": 50,
        "ban": 50, "kick": 50, "redact": 50, "invite": 0,
        "events": {"m.room.name": 50, "m.room.power_levels": 100,
                   "m.room.history_visibility": 100, "m.room.tombstone": tombstone_level},
    }  # fmt: skip


def standard_room(
    room_version: RoomVersion,
    join_rule: str = "public",
    create_content: Mapping[str, Any] | None = None,
) -> RoomBuilder:
    """Alice creates a room (Alice 100 or creator, Bob 50, Carol 0); Bob and Carol join."""
    room = RoomBuilder(room_version, create_content=create_content)
    room.send_member(ALICE, "join")
    room.send_state(ALICE, "m.room.power_levels", standard_power_levels(room_version))
    room.set_join_rule("public")
    room.send_member(BOB, "join")
    room.send_member(CAROL, "join")
    if join_rule != "public":
        room.set_join_rule(join_rule)
    return room
