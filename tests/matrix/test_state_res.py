"""State resolution v2 (v10, v11) and its v12 variant: the classic conflicts, each built
as a real forked room DAG and resolved for every room version."""

import pytest

from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from closedserver.matrix.state_res import resolve_state
from closedserver.matrix.state_res.conflicts import auth_chain_walker, separate_conflicts
from tests.matrix.factories import ALICE, BOB, CAROL, DAVE, RoomBuilder, standard_room

VERSIONS = [pytest.param(v, id=f"v{v.identifier}") for v in KNOWN_ROOM_VERSIONS.values()]
POWER_LEVELS = ("m.room.power_levels", "")
TOPIC = ("m.room.topic", "")


def resolve(room: RoomBuilder, *branches: RoomBuilder) -> dict[tuple[str, str], str]:
    state_sets = [branch.state_ids() for branch in branches]
    resolved = resolve_state(room.room_version, state_sets, room.get_event)
    # Step 5: the unconflicted state map is always part of the result.
    unconflicted, _ = separate_conflicts(state_sets)
    assert unconflicted.items() <= resolved.items()
    # The result does not depend on the order of the state sets, nor on who walks
    # the auth chains.
    assert resolve_state(room.room_version, state_sets[::-1], room.get_event) == resolved
    walker = auth_chain_walker(room.get_event)
    assert resolve_state(room.room_version, state_sets, room.get_event, walker) == resolved
    return resolved


def moderated_room(rv: RoomVersion) -> RoomBuilder:
    """The standard room where Bob (50) may also change power levels."""
    room = standard_room(rv)
    events = dict(room.state[POWER_LEVELS].content["events"], **{"m.room.power_levels": 50})
    room.send_power_levels(events=events)
    return room


@pytest.mark.parametrize("rv", VERSIONS)
def test_identical_states_resolve_to_themselves(rv: RoomVersion) -> None:
    room = standard_room(rv)
    assert resolve(room, room, room.fork()) == room.state_ids()


@pytest.mark.parametrize("rv", VERSIONS)
def test_a_ban_beats_a_concurrent_power_levels_change_by_the_banned_user(rv: RoomVersion) -> None:
    room = moderated_room(rv)
    banning, promoting = room.fork(), room.fork()
    ban = banning.send_member(ALICE, "ban", BOB)
    users = dict(room.state[POWER_LEVELS].content["users"], **{CAROL: 50})
    promoting.send_power_levels(BOB, users=users)
    resolved = resolve(room, banning, promoting)
    assert resolved[("m.room.member", BOB)] == ban.event_id
    assert resolved[POWER_LEVELS] == room.state[POWER_LEVELS].event_id


@pytest.mark.parametrize("rv", VERSIONS)
def test_a_join_rule_change_stops_a_concurrent_join(rv: RoomVersion) -> None:
    room = standard_room(rv)
    closing, joining = room.fork(), room.fork()
    invite_only = closing.set_join_rule("invite")
    joining.send_member(DAVE, "join")
    resolved = resolve(room, closing, joining)
    assert resolved[("m.room.join_rules", "")] == invite_only.event_id
    assert ("m.room.member", DAVE) not in resolved


@pytest.mark.parametrize("rv", VERSIONS)
def test_a_join_without_conflict_is_kept(rv: RoomVersion) -> None:
    room = standard_room(rv)
    quiet, joining = room.fork(), room.fork()
    quiet.send_state(ALICE, "m.room.name", {"name": "Quiet"})
    join = joining.send_member(DAVE, "join")
    resolved = resolve(room, quiet, joining)
    assert resolved[("m.room.member", DAVE)] == join.event_id
    assert resolved[("m.room.name", "")] == quiet.state[("m.room.name", "")].event_id


@pytest.mark.parametrize("rv", VERSIONS)
@pytest.mark.parametrize("first", ["alice", "bob"])
def test_concurrent_topics_resolve_to_the_later_one(rv: RoomVersion, first: str) -> None:
    room = standard_room(rv)
    alices, bobs = room.fork(), room.fork()
    if first == "alice":
        alices.send_state(ALICE, "m.room.topic", {"topic": "A"})
        later = bobs.send_state(BOB, "m.room.topic", {"topic": "B"})
    else:
        bobs.send_state(BOB, "m.room.topic", {"topic": "B"})
        later = alices.send_state(ALICE, "m.room.topic", {"topic": "A"})
    # Same mainline position (both cite the same power levels): the later one wins.
    assert resolve(room, alices, bobs)[TOPIC] == later.event_id


@pytest.mark.parametrize("rv", VERSIONS)
def test_mainline_position_beats_timestamps(rv: RoomVersion) -> None:
    # Bob's topic citing the newer power levels wins over his other topic citing the
    # older ones, although that one was sent later.
    room = standard_room(rv)
    older_levels, newer_levels = room.fork(), room.fork()
    users = dict(room.state[POWER_LEVELS].content["users"], **{CAROL: 10})
    newer_levels.send_power_levels(ALICE, users=users)
    on_newer = newer_levels.send_state(BOB, "m.room.topic", {"topic": "on newer levels"})
    on_older = older_levels.send_state(BOB, "m.room.topic", {"topic": "on older levels"})
    assert on_older.origin_server_ts > on_newer.origin_server_ts
    assert resolve(room, older_levels, newer_levels)[TOPIC] == on_newer.event_id


@pytest.mark.parametrize("rv", VERSIONS)
def test_a_demotion_beats_a_concurrent_topic_change_by_the_demoted_user(rv: RoomVersion) -> None:
    room = standard_room(rv)
    original = room.send_state(ALICE, "m.room.topic", {"topic": "original"})
    demoting, changing = room.fork(), room.fork()
    users = dict(room.state[POWER_LEVELS].content["users"], **{BOB: 0})
    demotion = demoting.send_power_levels(ALICE, users=users)
    changing.send_state(BOB, "m.room.topic", {"topic": "Bob's"})
    resolved = resolve(room, demoting, changing)
    assert resolved[POWER_LEVELS] == demotion.event_id
    assert resolved[TOPIC] == original.event_id


@pytest.mark.parametrize("rv", VERSIONS)
def test_topic_reset_by_a_ban(rv: RoomVersion) -> None:
    # A topic set by Bob, then Bob banned, against a branch that never saw either.
    room = standard_room(rv)
    original = room.send_state(ALICE, "m.room.topic", {"topic": "original"})
    banning, unaware = room.fork(), room.fork()
    banning.send_state(BOB, "m.room.topic", {"topic": "Bob's"})
    ban = banning.send_member(ALICE, "ban", BOB)
    unaware.add(unaware.build_message(CAROL))
    resolved = resolve(room, banning, unaware)
    assert resolved[("m.room.member", BOB)] == ban.event_id
    assert resolved[TOPIC] == original.event_id


@pytest.mark.parametrize("rv", VERSIONS)
@pytest.mark.parametrize(("alices_level_for_carol", "winner"), [(20, BOB), (60, ALICE)])
def test_power_levels_changes_apply_in_power_order(
    rv: RoomVersion, alices_level_for_carol: int, winner: str
) -> None:
    # Alice's change sorts first (higher power) and is applied; Bob's is then checked
    # against it: still allowed when Carol is at 20 (< 50), refused when she is at 60.
    room = moderated_room(rv)
    by_alice, by_bob = room.fork(), room.fork()
    users = dict(room.state[POWER_LEVELS].content["users"])
    by_bob.send_power_levels(BOB, users=dict(users, **{CAROL: 10}))
    by_alice.send_power_levels(ALICE, users=dict(users, **{CAROL: alices_level_for_carol}))
    resolved = resolve(room, by_alice, by_bob)
    assert room.events[resolved[POWER_LEVELS]].sender == winner


@pytest.mark.parametrize("rv", VERSIONS)
def test_rejected_events_never_enter_the_state(rv: RoomVersion) -> None:
    room = standard_room(rv)
    plain, naming = room.fork(), room.fork()
    plain.send_state(ALICE, "m.room.topic", {"topic": "t"})
    name = naming.send_state(ALICE, "m.room.name", {"name": "n"})
    room.events[name.event_id] = name.with_rejected_reason("failed auth against its chain")
    resolved = resolve(room, plain, naming)
    assert ("m.room.name", "") not in resolved


@pytest.mark.parametrize("rv", VERSIONS)
def test_unknown_events_are_left_out(rv: RoomVersion) -> None:
    room = standard_room(rv)
    known, other = room.fork(), room.fork()
    topic = known.send_state(ALICE, "m.room.topic", {"topic": "t"})
    states = [known.state_ids(), other.state_ids() | {("m.room.name", ""): "$" + "A" * 43}]
    resolved = resolve_state(rv, states, room.get_event)
    assert resolved[TOPIC] == topic.event_id
    assert ("m.room.name", "") not in resolved
