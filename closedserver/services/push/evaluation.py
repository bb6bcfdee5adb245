"""Push rule evaluation at event time (CS API push module, "Server behaviour"): the
Timeline calls `PushActions.on_event` for every new event inside its write transaction,
so the counts a /sync reads are exact and appear together with the event.

For each local user the event concerns (every joined member but the sender, plus the
target of an invite), the user's compiled ruleset picks the actions; a row is stored when
they notify or highlight. One `PushEvent` serves every member; member count and display
names come from room_members, the sender's power level from current state. The same call
records the sender's implicit read position (sending an event reads the room up to it)
and, for a redaction, forgets what the redacted event did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson

from closedserver.matrix.auth_rules import get_user_power_level
from closedserver.matrix.event import Event
from closedserver.matrix.push import Action, PushContext, PushEvent, highlight, notify
from closedserver.services.event_cache import EventCache, StoredEvent
from closedserver.services.push.counts import PushCounts
from closedserver.services.push.rules import PushRulesService
from closedserver.services.room_state import CREATE, POWER_LEVELS, RoomState
from closedserver.storage.database import Database
from closedserver.storage.push import ActionRow, PushActionsStore

MAX_THREAD_HOPS = 3
"""Relations followed to find an event's thread (the spec suggests at most 3 hops)."""

Decision = tuple[bool, bool, str]
"""(notify, highlight, actions JSON) of a matched rule's actions."""


class PushActions:
    def __init__(self, db: Database, rules: PushRulesService, events: EventCache,
                 state: RoomState, server_name: str, counts: PushCounts,
                 on_notify: Callable[[set[str]], None]) -> None:
        self.store = PushActionsStore(db)
        self.counts = counts
        self.rules = rules
        self.events = events
        self.state = state
        self.local_suffix = ":" + server_name
        self.on_notify = on_notify
        """Told which users got a notifying row (the pusher delivery wakes up); called
        inside the transaction, so it must only schedule work for after the commit."""

    def on_event(self, stored: StoredEvent) -> None:
        """Evaluate a new event for the local users it concerns and store the actions."""
        event = stored.event
        thread_id = self.thread_of(event)
        if event.sender.endswith(self.local_suffix):
            self.store.upsert_own_read(event.sender, event.room_id, stored.stream_ordering)
        if event.type == "m.room.redaction" and event.redacts:
            self._forget_redacted(event.room_id, event.redacts)
        joined = self.store.list_joined_members(event.room_id)
        targets = self._targets(event, joined)
        if not targets:
            return
        rows = self._evaluate(stored, thread_id, targets, len(joined))
        if rows:
            self.store.insert_actions(rows)
            self.on_notify({row.user_id for row in rows if row.notify})

    def thread_of(self, event: Event) -> str | None:
        """The thread root the event belongs to, following relations up to
        MAX_THREAD_HOPS; None for the main timeline."""
        relates = event.content.get("m.relates_to")
        if not isinstance(relates, Mapping):
            return None
        parent = relates.get("event_id")
        if not isinstance(parent, str) or not isinstance(relates.get("rel_type"), str):
            return None
        if relates["rel_type"] == "m.thread":
            return parent
        for _ in range(MAX_THREAD_HOPS - 1):
            relation = self.store.get_relation(parent)
            if relation is None:
                return None
            thread_id, grandparent = relation
            if thread_id is not None or grandparent is None:
                return thread_id
            parent = grandparent
        return None

    def _targets(self, event: Event,
                 joined: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        """(user_id, display name) of the local users to evaluate the event for."""
        suffix = self.local_suffix
        targets = [(user_id, name) for user_id, name in joined
                   if user_id != event.sender and user_id.endswith(suffix)]
        invitee = event.state_key
        if (event.type == "m.room.member" and event.membership == "invite" and invitee
                and invitee != event.sender and invitee.endswith(suffix)
                and all(user_id != invitee for user_id, _ in targets)):
            targets.append((invitee, None))
        return targets

    def _evaluate(self, stored: StoredEvent, thread_id: str | None,
                  targets: list[tuple[str, str | None]], member_count: int) -> list[ActionRow]:
        event = stored.event
        push_event = PushEvent(_push_dict(event))
        power_levels, sender_level = self._power_of_sender(event)
        rules = self.rules.rules_of_users(user_id for user_id, _ in targets)
        decisions: dict[bytes, Decision] = {}
        rows = []
        for user_id, display_name in targets:
            ruleset = self.rules.compiled(rules[user_id])
            context = PushContext(user_id, member_count, display_name, power_levels,
                                  sender_level)
            rule = ruleset.first_match(push_event, context)
            if rule is None or not rule.actions:
                continue
            actions_json = orjson.dumps(rule.actions)
            decision = decisions.get(actions_json)
            if decision is None:
                decision = decisions[actions_json] = _decide(rule.actions, actions_json)
            if decision[0] or decision[1]:
                rows.append(ActionRow(user_id, stored.stream_ordering, event.room_id,
                                      event.event_id, thread_id, decision[0], decision[1],
                                      decision[2]))
        return rows

    def _power_of_sender(self, event: Event) -> tuple[dict[str, Any] | None, int | float]:
        """The room's current power levels content and the sender's level in it."""
        state = self.state.current_events(event.room_id, (POWER_LEVELS, CREATE))
        levels_event = state.get(POWER_LEVELS)
        levels = levels_event.get_pdu_field("content") if levels_event else None
        create = state.get(CREATE)
        if create is None:  # the create event itself: nothing to compare yet
            return levels, 0
        return levels, get_user_power_level(event.sender, levels, create,
                                            event.room_version)

    def _forget_redacted(self, room_id: str, redacted_id: str) -> None:
        target = self.events.get(redacted_id)
        if target is not None and target.room_id == room_id:
            self.store.delete_actions_at(target.stream_ordering)
            self.counts.forget_room(room_id)


def _decide(actions: Sequence[Action], actions_json: bytes) -> Decision:
    return notify(actions), highlight(actions), actions_json.decode()


def _push_dict(event: Event) -> dict[str, Any]:
    """The client-format fields push rules can look at (content is shared, not copied)."""
    fields: dict[str, Any] = {
        "event_id": event.event_id, "type": event.type, "sender": event.sender,
        "room_id": event.room_id, "origin_server_ts": event.origin_server_ts,
        "content": event.get_pdu_field("content"),
    }
    if event.is_state():
        fields["state_key"] = event.state_key
    return fields
