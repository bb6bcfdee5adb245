"""The definitions of state resolution v2 and v12, one by one: conflicts, auth
difference, conflicted state subgraph, power events and the two orderings."""

from collections.abc import Callable
from typing import Any

import pytest

from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import ROOM_V11, ROOM_V12, RoomVersion
from closedserver.matrix.state_res.conflicts import (
    auth_chain_walker,
    auth_difference,
    conflicted_state_subgraph,
    separate_conflicts,
)
from closedserver.matrix.state_res.ordering import (
    is_power_event,
    mainline_order,
    reverse_topological_power_order,
)
from tests.matrix.factories import ALICE, BOB, CAROL, standard_room


def stub(event_id: str, *auth_events: str, **pdu: Any) -> Event:
    """A bare event for graph tests (not signed: the graph algorithms never look)."""
    fields = {"type": "org.example.x", "state_key": "", "sender": ALICE, "content": {},
              "prev_events": [], "auth_events": list(auth_events), "room_id": "!r:example.org",
              "depth": 1, "origin_server_ts": 1, "hashes": {"sha256": ""}, "signatures": {}}
    return Event(fields | pdu, ROOM_V11, event_id)  # fmt: skip


def fetcher(*events: Event) -> Callable[[str], Event | None]:
    by_id = {event.event_id: event for event in events}
    return by_id.get


def test_separate_conflicts() -> None:
    a, b = ("t", "a"), ("t", "b")
    unconflicted, conflicted = separate_conflicts(
        [{a: "$1", b: "$2"}, {a: "$1", b: "$3"}, {a: "$1"}]
    )
    assert unconflicted == {a: "$1"}
    assert conflicted == {"$2", "$3"}
    assert separate_conflicts([{a: "$1"}, {}]) == ({}, {"$1"})


def test_auth_difference() -> None:
    get = fetcher(stub("$c"), stub("$p", "$c"), stub("$x", "$p"), stub("$y", "$c"))
    chains = auth_chain_walker(get)
    assert chains(["$x"]) == {"$p", "$c"}
    assert auth_difference([{("t", ""): "$x"}, {("t", ""): "$y"}], chains) == {"$p"}


def test_conflicted_state_subgraph() -> None:
    # D -> C -> B -> A, C -> E, F alone; A and D conflicted, and F.
    get = fetcher(stub("$A"), stub("$B", "$A"), stub("$E"), stub("$C", "$B", "$E"),
                  stub("$D", "$C"), stub("$F"))  # fmt: skip
    assert conflicted_state_subgraph({"$A", "$D", "$F"}, get) == {"$A", "$B", "$C", "$D", "$F"}
    assert conflicted_state_subgraph({"$D"}, get) == {"$D"}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (stub("$1", type="m.room.power_levels"), True),
        (stub("$1", type="m.room.join_rules"), True),
        (stub("$1", type="m.room.member", state_key=BOB, content={"membership": "ban"}), True),
        (stub("$1", type="m.room.member", state_key=BOB, content={"membership": "leave"}), True),
        (stub("$1", type="m.room.member", state_key=ALICE, content={"membership": "leave"}),
         False),
        (stub("$1", type="m.room.member", state_key=BOB, content={"membership": "invite"}),
         False),
        (stub("$1", type="m.room.topic"), False),
        (stub("$1", type="m.room.power_levels", state_key="x"), False),
    ],
)  # fmt: skip
def test_power_events(event: Event, expected: bool) -> None:
    assert is_power_event(event) is expected


@pytest.mark.parametrize("rv", [ROOM_V11, ROOM_V12], ids=["v11", "v12"])
def test_reverse_topological_power_order(rv: RoomVersion) -> None:
    room = standard_room(rv)
    by_carol = room.add(room.build_message(CAROL), check=False)
    by_bob = room.add(room.build_message(BOB), check=False)
    by_alice = room.add(room.build_message(ALICE), check=False)
    later_by_bob = room.add(room.build_message(BOB), check=False)
    events = (by_carol, by_bob, by_alice, later_by_bob)
    graph: dict[str, set[str]] = {event.event_id: set() for event in events}
    # Most powerful sender first, then the older event.
    assert reverse_topological_power_order(rv, graph, room.get_event) == [
        by_alice.event_id, by_bob.event_id, later_by_bob.event_id, by_carol.event_id
    ]
    # Alice's event waits for its auth dependency, which is the least powerful.
    graph[by_alice.event_id] = {by_carol.event_id}
    assert reverse_topological_power_order(rv, graph, room.get_event) == [
        by_bob.event_id, later_by_bob.event_id, by_carol.event_id, by_alice.event_id
    ]


def test_mainline_order() -> None:
    get = fetcher(
        stub("$P0", type="m.room.power_levels"),
        stub("$P1", "$P0", type="m.room.power_levels"),
        stub("$P2", "$P1", type="m.room.power_levels"),
        stub("$on_p2", "$P2", origin_server_ts=1),
        stub("$on_p1_late", "$P1", origin_server_ts=9),
        stub("$on_p1_early", "$P1", origin_server_ts=5),
        stub("$off_mainline", origin_server_ts=7),
    )
    ordered = mainline_order(["$on_p2", "$on_p1_late", "$on_p1_early", "$off_mainline"],
                             "$P2", get)  # fmt: skip
    assert ordered == ["$off_mainline", "$on_p1_early", "$on_p1_late", "$on_p2"]
