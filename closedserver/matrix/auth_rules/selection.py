"""Auth events: which state an event needs (server-server API, "Auth events selection")
and the checks on an event's own `auth_events` (v10/v11 rule 2, v12 rule 3).
"""

from collections.abc import Mapping, Sequence
from typing import Any

from closedserver.matrix.auth_rules.failure import fail
from closedserver.matrix.event import Event, StateKey
from closedserver.matrix.room_versions import RoomVersion

CREATE = "m.room.create"
MEMBER = "m.room.member"
POWER_LEVELS = "m.room.power_levels"
JOIN_RULES = "m.room.join_rules"
THIRD_PARTY_INVITE = "m.room.third_party_invite"


def auth_types_for_event(
    room_version: RoomVersion,
    event_type: str,
    state_key: str | None,
    sender: str,
    content: Mapping[str, Any],
) -> set[StateKey]:
    """The (type, state_key) pairs of the state that authorises such an event."""
    if event_type == CREATE:
        return set()
    # The create event (v10/v11 only: v12 implies it by the room ID), the power
    # levels, and the sender's membership.
    auth_types = {(POWER_LEVELS, ""), (MEMBER, sender)}
    if room_version.create_event_in_auth_events:
        auth_types.add((CREATE, ""))
    if event_type != MEMBER or state_key is None:
        return auth_types
    membership = content.get("membership")
    # The target's membership; the join rules for join, invite and knock.
    auth_types.add((MEMBER, state_key))
    if membership in ("join", "invite", "knock"):
        auth_types.add((JOIN_RULES, ""))
    # The m.room.third_party_invite an invite was made from.
    if membership == "invite":
        token = _third_party_invite_token(content)
        if token is not None:
            auth_types.add((THIRD_PARTY_INVITE, token))
    # The member event of the user who authorised a restricted join.
    if membership == "join" and room_version.restricted_join_rule:
        authoriser = content.get("join_authorised_via_users_server")
        if isinstance(authoriser, str):
            auth_types.add((MEMBER, authoriser))
    return auth_types


def _third_party_invite_token(content: Mapping[str, Any]) -> str | None:
    third_party_invite = content.get("third_party_invite")
    if not isinstance(third_party_invite, Mapping):
        return None
    signed = third_party_invite.get("signed")
    token = signed.get("token") if isinstance(signed, Mapping) else None
    return token if isinstance(token, str) else None


def select_auth_event_ids(
    room_version: RoomVersion,
    event_type: str,
    state_key: str | None,
    sender: str,
    content: Mapping[str, Any],
    current_state: Mapping[StateKey, str],
) -> list[str]:
    """The `auth_events` of a new event: the event IDs in `current_state` (a map of
    (type, state_key) to event ID) for each of its auth types, in a stable order."""
    auth_types = auth_types_for_event(room_version, event_type, state_key, sender, content)
    return [current_state[key] for key in sorted(auth_types) if key in current_state]


def check_auth_events(
    room_version: RoomVersion, event: Event, auth_events: Sequence[Event]
) -> None:
    """Rule 2 (v12: 3): the event's `auth_events`, given as the Event objects of
    `event.auth_event_ids`, with their `rejected_reason`. Raises AuthError."""
    if event.type == CREATE:
        return  # rule 1 decides create events alone
    by_id = {auth_event.event_id: auth_event for auth_event in auth_events}
    missing = [event_id for event_id in event.auth_event_ids if event_id not in by_id]
    if missing:
        fail(room_version, "2", "auth events", f"auth events not available: {missing}")
    expected = auth_types_for_event(
        room_version, event.type, event.state_key, event.sender, event.content
    )
    seen: dict[tuple[str, str | None], str] = {}
    for auth_event in (by_id[event_id] for event_id in event.auth_event_ids):
        key = (auth_event.type, auth_event.state_key)
        # 2.1: no two entries for the same (type, state_key).
        if key in seen:
            fail(room_version, "2.1", "auth events",
                 f"duplicate {key}: {seen[key]} and {auth_event.event_id}")
        seen[key] = auth_event.event_id
        # 2.2: only entries the auth events selection algorithm would pick.
        if key not in expected:
            fail(room_version, "2.2", "auth events",
                 f"unexpected auth event {auth_event.event_id} for {key}")
        # 2.3: no rejected entries.
        if auth_event.rejected_reason is not None:
            fail(room_version, "2.3", "auth events",
                 f"auth event {auth_event.event_id} was rejected")
        # 2.5: every entry belongs to this room.
        if auth_event.room_id != event.room_id:
            fail(room_version, "2.5", "auth events",
                 f"auth event {auth_event.event_id} is in another room ({auth_event.room_id})")
    # 2.4 (v10/v11): the create event must be among them.
    if room_version.create_event_in_auth_events and (CREATE, "") not in seen:
        fail(room_version, "2.4", "auth events", "no m.room.create event among auth events")


def auth_state_from_events(auth_events: Sequence[Event]) -> dict[StateKey, Event]:
    """A state map built from (already checked) auth events."""
    return {
        (auth_event.type, auth_event.state_key): auth_event
        for auth_event in auth_events
        if auth_event.state_key is not None
    }
