"""Sending into rooms: messages, state events and redactions.

Spec: room_send.yaml (idempotent per device and transaction ID), room_state.yaml,
redaction.yaml. State content of the spec's m.room.* types is validated (400 M_BAD_JSON);
the room version's auth rules decide the rest (403 naming the rule).
"""

from __future__ import annotations

from typing import Any

from closedserver.errors import BadJson, Forbidden, NotFound
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.rooms.membership import Membership
from closedserver.services.sessions import Requester
from closedserver.services.timeline import EventDraft, Timeline, TxnRef

MEMBER = "m.room.member"
REDACTION = "m.room.redaction"


class Sending:
    def __init__(self, timeline: Timeline, access: RoomAccess, aliases: Aliases,
                 membership: Membership) -> None:
        self.timeline = timeline
        self.access = access
        self.aliases = aliases
        self.membership = membership

    def send_message(self, requester: Requester, room_id: str, event_type: str, txn_id: str,
                     content: dict[str, Any]) -> str:
        """Send a message event; a retransmission (the same transaction ID on the same path)
        returns the first event's ID."""
        txn = TxnRef(requester.user_id, requester.device_id, f"send/{room_id}/{event_type}",
                     txn_id)
        earlier = self._earlier_event_id(txn)
        if earlier is not None:
            return earlier
        self.access.require_joined(room_id, requester.user_id)
        if event_type == REDACTION:
            target = content.get("redacts")
            if not isinstance(target, str):
                raise BadJson("m.room.redaction needs content.redacts")
            return self._send_redaction(requester, room_id, target, content, txn)
        requester.require_not_suspended()
        draft = EventDraft(requester.user_id, event_type, content)
        return self.timeline.append(room_id, draft, txn=txn).event_id

    def set_state(self, requester: Requester, room_id: str, event_type: str, state_key: str,
                  content: dict[str, Any]) -> str:
        """Send a state event; sending the current content again changes nothing."""
        self.access.room(room_id)
        if event_type == MEMBER:
            self.membership.check_member_state(requester.user_id, room_id, state_key, content)
        else:
            self.access.require_joined(room_id, requester.user_id)
        if event_type == "m.room.canonical_alias":
            self.aliases.check_canonical_alias_content(room_id, content)
        current = self.access.state.current_event(room_id, event_type, state_key)
        if current is not None and dict(current.content) == content \
                and current.sender == requester.user_id:
            return current.event_id
        draft = EventDraft(requester.user_id, event_type, content, state_key)
        return self.timeline.append(room_id, draft).event_id

    def redact(self, requester: Requester, room_id: str, event_id: str, txn_id: str,
               reason: str | None) -> str:
        txn = TxnRef(requester.user_id, requester.device_id, f"redact/{room_id}/{event_id}",
                     txn_id)
        earlier = self._earlier_event_id(txn)
        if earlier is not None:
            return earlier
        self.access.require_joined(room_id, requester.user_id)
        content: dict[str, Any] = {"reason": reason} if reason is not None else {}
        return self._send_redaction(requester, room_id, event_id, content, txn)

    def _earlier_event_id(self, txn: TxnRef) -> str | None:
        return self.timeline.store.get_txn_event_id(txn.user_id, txn.device_id, txn.scope,
                                                    txn.txn_id)

    def _send_redaction(self, requester: Requester, room_id: str, target: str,
                        content: dict[str, Any], txn: TxnRef) -> str:
        self._check_may_redact(requester, room_id, target)
        draft = EventDraft(requester.user_id, REDACTION, content, redacts=target)
        return self.timeline.append(room_id, draft, txn=txn).event_id

    def _check_may_redact(self, requester: Requester, room_id: str, event_id: str) -> None:
        """Spec (redactions, v3+ rooms): own events, or others' with the redact level
        (and not while suspended)."""
        target = self.timeline.events.get(event_id)
        if target is None or target.room_id != room_id:
            raise NotFound(f"Event {event_id} not found in this room")
        if target.event.sender == requester.user_id:
            return
        requester.require_not_suspended()
        if not self.access.has_level(room_id, requester.user_id, "redact"):
            raise Forbidden("You need the 'redact' power level to redact others' events")
