"""State resolution definitions over sets of state (fragments/v2-state-res.md and
v12.md, "Definitions"): the unconflicted state map and conflicted state set, auth chains,
the auth difference and (v12) the conflicted state subgraph.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from closedserver.matrix.event import Event, StateKey

StateMap = Mapping[StateKey, str]
EventFetcher = Callable[[str], Event | None]
AuthChainFetcher = Callable[[Collection[str]], set[str]]


def separate_conflicts(state_sets: Sequence[StateMap]) -> tuple[dict[StateKey, str], set[str]]:
    """(unconflicted state map, conflicted state set). A key is unconflicted when every
    state set holds it with the same event."""
    unconflicted: dict[StateKey, str] = {}
    conflicted: set[str] = set()
    keys = set().union(*(state.keys() for state in state_sets))
    for key in keys:
        values = {state.get(key) for state in state_sets}
        if len(values) == 1 and None not in values:
            unconflicted[key] = values.pop()  # type: ignore[assignment]
        else:
            conflicted.update(value for value in values if value is not None)
    return unconflicted, conflicted


def auth_chain_walker(get_event: EventFetcher) -> AuthChainFetcher:
    """An auth chain fetcher that walks `auth_events` through `get_event`: the union of
    the auth chains of the given events (the events themselves excluded unless reached)."""

    def union_auth_chain(event_ids: Collection[str]) -> set[str]:
        chain: set[str] = set()
        pending = list(_auth_ids(event_ids, get_event))
        while pending:
            event_id = pending.pop()
            if event_id in chain:
                continue
            chain.add(event_id)
            pending.extend(_auth_ids((event_id,), get_event))
        return chain

    return union_auth_chain


def _auth_ids(event_ids: Iterable[str], get_event: EventFetcher) -> Iterable[str]:
    for event_id in event_ids:
        event = get_event(event_id)
        if event is not None:
            yield from event.auth_event_ids


def auth_difference(state_sets: Sequence[StateMap], auth_chain: AuthChainFetcher) -> set[str]:
    """union(C_i) - intersection(C_i), where C_i is the full auth chain of state set S_i."""
    chains = [auth_chain(list(state.values())) for state in state_sets]
    if not chains:
        return set()
    return set().union(*chains) - set.intersection(*chains)


def conflicted_state_subgraph(conflicted: set[str], get_event: EventFetcher) -> set[str]:
    """(v12) Every event on an `auth_events` path between two conflicted events,
    endpoints included."""
    order = _post_order(conflicted, get_event)  # auth events before their dependents
    reaches_conflicted: dict[str, bool] = {}
    for event_id in order:
        event = get_event(event_id)
        auth_ids = event.auth_event_ids if event is not None else ()
        reaches_conflicted[event_id] = any(
            auth_id in conflicted or reaches_conflicted.get(auth_id, False) for auth_id in auth_ids
        )
    # Every node in `order` is reachable from a conflicted event; it lies on a path to
    # another one if it reaches one itself.
    return {event_id for event_id in order if reaches_conflicted[event_id]} | (
        conflicted & set(order)
    )


def _post_order(roots: Iterable[str], get_event: EventFetcher) -> list[str]:
    """The events reachable from `roots` through `auth_events`, roots included, each
    after all of its own auth events (an iterative depth-first post-order)."""
    order: list[str] = []
    visited: set[str] = set()
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(_auth_ids((root,), get_event)))]
        while stack:
            event_id, children = stack[-1]
            child = next((c for c in children if c not in visited), None)
            if child is None:
                stack.pop()
                order.append(event_id)
            else:
                visited.add(child)
                stack.append((child, iter(_auth_ids((child,), get_event))))
    return order
