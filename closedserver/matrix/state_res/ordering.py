"""Orderings of state resolution v2 (fragments/v2-state-res.md, "Power events",
"Reverse topological power ordering", "Mainline ordering")."""

import heapq
import math
from collections.abc import Collection, Iterable

from closedserver.matrix.auth_rules.power_levels import PowerLevel, get_user_power_level
from closedserver.matrix.event import Event
from closedserver.matrix.ids import create_event_id_from_room_id
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.state_res.conflicts import EventFetcher

POWER_LEVELS_KEY = ("m.room.power_levels", "")


def is_power_event(event: Event) -> bool:
    """m.room.power_levels, m.room.join_rules, or a kick or ban (a leave or ban whose
    sender is not its target)."""
    key = (event.type, event.state_key)
    if key in (POWER_LEVELS_KEY, ("m.room.join_rules", "")):
        return True
    return (
        event.type == "m.room.member"
        and event.membership in ("leave", "ban")
        and event.state_key is not None
        and event.sender != event.state_key
    )


def power_events_with_auth_ancestors(
    power_event_ids: Iterable[str], full_conflicted: Collection[str], get_event: EventFetcher
) -> dict[str, set[str]]:
    """Step 1's set X as a graph: each power event, plus the events of its auth chain in
    the full conflicted set, mapped to its auth events within X.

    Like Synapse and ruma, the auth chain is walked through full-conflicted events only:
    an event of the full conflicted set reached only through events outside it is left
    out (the spec's wording would include it; implementations agree on this reading)."""
    graph: dict[str, set[str]] = {}
    pending = list(power_event_ids)
    while pending:
        event_id = pending.pop()
        if event_id in graph:
            continue
        event = get_event(event_id)
        edges = {a for a in event.auth_event_ids if a in full_conflicted} if event else set()
        graph[event_id] = edges
        pending.extend(edges - graph.keys())
    return graph


def sender_power_level(
    room_version: RoomVersion, event: Event, get_event: EventFetcher
) -> PowerLevel:
    """The sender's power level according to the event's own auth events."""
    power_levels = None
    create_event = None
    for auth_id in event.auth_event_ids:
        auth_event = get_event(auth_id)
        if auth_event is None:
            continue
        key = (auth_event.type, auth_event.state_key)
        if key == POWER_LEVELS_KEY:
            power_levels = auth_event
        elif key == ("m.room.create", ""):
            create_event = auth_event
    if room_version.room_id_is_create_event_hash:
        create_event = get_event(create_event_id_from_room_id(event.room_id))
    if create_event is None:
        return 0
    content = power_levels.content if power_levels is not None else None
    return get_user_power_level(event.sender, content, create_event, room_version)


def reverse_topological_power_order(
    room_version: RoomVersion, graph: dict[str, set[str]], get_event: EventFetcher
) -> list[str]:
    """Kahn's algorithm over `graph` (event -> its auth events), always taking the
    smallest ready event: highest sender power level, then oldest, then lowest ID."""
    waiting_on = {event_id: len(edges) for event_id, edges in graph.items()}
    dependents: dict[str, list[str]] = {event_id: [] for event_id in graph}
    for event_id, edges in graph.items():
        for auth_id in edges:
            dependents[auth_id].append(event_id)
    sort_key = {event_id: _power_sort_key(room_version, event_id, get_event) for event_id in graph}
    ready = [sort_key[event_id] for event_id, count in waiting_on.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        *_, event_id = heapq.heappop(ready)
        order.append(event_id)
        for dependent in dependents[event_id]:
            waiting_on[dependent] -= 1
            if waiting_on[dependent] == 0:
                heapq.heappush(ready, sort_key[dependent])
    return order


def _power_sort_key(
    room_version: RoomVersion, event_id: str, get_event: EventFetcher
) -> tuple[PowerLevel, int, str]:
    event = get_event(event_id)
    if event is None:
        return (0, 0, event_id)
    level = sender_power_level(room_version, event, get_event)
    return (-level, event.origin_server_ts, event_id)


def mainline_order(
    event_ids: Iterable[str], power_levels_id: str | None, get_event: EventFetcher
) -> list[str]:
    """Order events by their mainline position relative to `power_levels_id` (earlier
    mainline first; events off the mainline first of all), then timestamp, then ID."""
    mainline = list(_power_levels_chain(power_levels_id, get_event, include_start=True))
    position = {event_id: index for index, event_id in enumerate(mainline)}

    def key(event_id: str) -> tuple[float, int, str]:
        event = get_event(event_id)
        if event is None:
            return (-math.inf, 0, event_id)
        index = next(
            (position[p] for p in _power_levels_chain(event_id, get_event) if p in position),
            math.inf,
        )
        return (-index, event.origin_server_ts, event_id)

    return sorted(event_ids, key=key)


def _power_levels_chain(
    event_id: str | None, get_event: EventFetcher, include_start: bool = False
) -> Iterable[str]:
    """The event (if `include_start`), then the m.room.power_levels event in its auth
    events, then the one in that event's auth events, and so on."""
    if event_id is not None and include_start:
        yield event_id
    seen = set()
    while event_id is not None and event_id not in seen:
        seen.add(event_id)
        event = get_event(event_id)
        event_id = None
        for auth_id in event.auth_event_ids if event is not None else ():
            auth_event = get_event(auth_id)
            if auth_event is not None and (auth_event.type, auth_event.state_key) == (
                POWER_LEVELS_KEY
            ):
                event_id = auth_id
                yield auth_id
                break

