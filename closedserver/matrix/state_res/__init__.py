"""State resolution v2 (fragments/v2-state-res.md, room versions 10 and 11) and its v12
variant (v12.md: the first iterative auth checks start from an empty state, and the full
conflicted set also holds the conflicted state subgraph).

Pure: events come from `get_event` (an event ID -> Event, or None when unknown; unknown
events are left out, as the spec only uses events the server has), with their
`rejected_reason`. Auth chains are walked through `get_event` unless the caller passes a
faster `get_auth_chain` (the union of the auth chains of some events).
"""

from collections.abc import Sequence

from closedserver.matrix.event import Event, StateKey
from closedserver.matrix.room_versions import RoomVersion, StateResAlgorithm
from closedserver.matrix.state_res.conflicts import (
    AuthChainFetcher,
    EventFetcher,
    StateMap,
    auth_chain_walker,
    auth_difference,
    conflicted_state_subgraph,
    separate_conflicts,
)
from closedserver.matrix.state_res.iterative_auth import iterative_auth_checks
from closedserver.matrix.state_res.ordering import (
    POWER_LEVELS_KEY,
    is_power_event,
    mainline_order,
    power_events_with_auth_ancestors,
    reverse_topological_power_order,
)


def resolve_state(
    room_version: RoomVersion,
    state_sets: Sequence[StateMap],
    get_event: EventFetcher,
    get_auth_chain: AuthChainFetcher | None = None,
) -> dict[StateKey, str]:
    """The resolution of several states (maps of (type, state_key) to event ID)."""
    unconflicted, conflicted = separate_conflicts(state_sets)
    if not conflicted:
        return unconflicted
    auth_chain = get_auth_chain or auth_chain_walker(get_event)
    full_conflicted = _full_conflicted_set(
        room_version, state_sets, conflicted, get_event, auth_chain
    )
    # 1. The power events of the full conflicted set and their auth ancestors in it,
    #    in reverse topological power order.
    power_ids = [e for e, event in full_conflicted.items() if is_power_event(event)]
    graph = power_events_with_auth_ancestors(power_ids, full_conflicted, get_event)
    sorted_power_events = reverse_topological_power_order(room_version, graph, get_event)
    # 2. Iterative auth checks from the unconflicted state map (v12: from empty state).
    initial = {} if room_version.state_res is StateResAlgorithm.V2_1 else dict(unconflicted)
    resolved = iterative_auth_checks(room_version, sorted_power_events, initial, get_event)
    # 3. The other events in mainline order of the resolved power levels.
    others = [e for e in full_conflicted if e not in graph]
    sorted_others = mainline_order(others, resolved.get(POWER_LEVELS_KEY), get_event)
    # 4. Iterative auth checks of those on the partially resolved state.
    resolved = iterative_auth_checks(room_version, sorted_others, resolved, get_event)
    # 5. The unconflicted state map wins.
    resolved.update(unconflicted)
    return resolved


def _full_conflicted_set(
    room_version: RoomVersion,
    state_sets: Sequence[StateMap],
    conflicted: set[str],
    get_event: EventFetcher,
    get_auth_chain: AuthChainFetcher,
) -> dict[str, Event]:
    """The conflicted state set, the auth difference and (v12) the conflicted state
    subgraph; events that cannot be fetched are left out."""
    full = conflicted | auth_difference(state_sets, get_auth_chain)
    if room_version.state_res is StateResAlgorithm.V2_1:
        full |= conflicted_state_subgraph(conflicted, get_event)
    events = {event_id: get_event(event_id) for event_id in full}
    return {event_id: event for event_id, event in events.items() if event is not None}


__all__ = ["AuthChainFetcher", "EventFetcher", "StateMap", "resolve_state"]
