"""The iterative auth checks of state resolution v2 (fragments/v2-state-res.md,
"Iterative auth checks"; "Rejected events")."""

from collections.abc import Iterable

from closedserver.matrix.auth_rules import auth_types_for_event, check_auth_rules
from closedserver.matrix.errors import AuthError
from closedserver.matrix.event import Event, StateKey
from closedserver.matrix.ids import create_event_id_from_room_id
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.state_res.conflicts import EventFetcher


def iterative_auth_checks(
    room_version: RoomVersion,
    event_ids: Iterable[str],
    state: dict[StateKey, str],
    get_event: EventFetcher,
) -> dict[StateKey, str]:
    """Apply each event, in order, to `state` (updated in place and returned) when the
    authorization rules allow it against that state, falling back to the event's own
    (non-rejected) auth events for keys the state lacks. Events already rejected
    against their auth chain never enter the state."""
    for event_id in event_ids:
        event = get_event(event_id)
        if event is None or event.rejected_reason is not None or not event.is_state():
            continue
        auth_state = _auth_state(room_version, event, state, get_event)
        create_event = auth_state.get(("m.room.create", ""))
        if room_version.room_id_is_create_event_hash:
            create_event = get_event(create_event_id_from_room_id(event.room_id))
        try:
            check_auth_rules(room_version, event, auth_state, create_event)
        except AuthError:
            continue
        state[event.state_map_key] = event_id
    return state


def _auth_state(
    room_version: RoomVersion,
    event: Event,
    state: dict[StateKey, str],
    get_event: EventFetcher,
) -> dict[StateKey, Event]:
    auth_state: dict[StateKey, Event] = {}
    for auth_id in event.auth_event_ids:
        auth_event = get_event(auth_id)
        if auth_event is not None and auth_event.rejected_reason is None and auth_event.is_state():
            auth_state[auth_event.state_map_key] = auth_event
    keys = auth_types_for_event(
        room_version, event.type, event.state_key, event.sender, event.content
    )
    for key in keys:
        state_event_id = state.get(key)
        state_event = get_event(state_event_id) if state_event_id is not None else None
        if state_event is not None and state_event.rejected_reason is None:
            auth_state[key] = state_event
    return auth_state
