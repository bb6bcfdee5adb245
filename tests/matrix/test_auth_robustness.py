"""Whatever the content of an event, the authorization rules answer with AuthError or
allow it: they never crash on malformed JSON from another server."""

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closedserver.matrix.auth_rules import check_auth_rules, check_event_auth
from closedserver.matrix.builder import build_event
from closedserver.matrix.errors import AuthError
from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS
from tests.matrix.factories import BOB, CAROL, RoomBuilder, signing_key_for, standard_room

KEYS = st.sampled_from(
    ["membership", "users", "users_default", "events", "notifications", "ban", "kick",
     "invite", "join_rule", "allow", "third_party_invite", "signed", "token", "mxid",
     "signatures", "join_authorised_via_users_server", "room_version", "creator",
     "additional_creators", "m.federate", "public_key", "public_keys", "redacts"]
)  # fmt: skip
SCALARS = st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.sampled_from(
    ["join", "invite", "leave", "ban", "knock", "public", "restricted", "@bob:example.org",
     "", "12", "abc"]
)  # fmt: skip
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(max_size=3),
                                                                inner, max_size=3),
    max_leaves=12,
)  # fmt: skip
CONTENTS = st.dictionaries(KEYS, VALUES, max_size=5)
EVENT_TYPES = ["m.room.member", "m.room.power_levels", "m.room.create", "m.room.join_rules",
               "m.room.third_party_invite", "m.room.message", "m.room.redaction"]  # fmt: skip
ROOMS: dict[str, RoomBuilder] = {}


def room_for(version: str) -> RoomBuilder:
    if version not in ROOMS:
        ROOMS[version] = standard_room(KNOWN_ROOM_VERSIONS[version])
    return ROOMS[version]


def create_event(room: RoomBuilder, content: dict[str, Any]) -> Event:
    rv = room.room_version
    return build_event(
        rv, server_name="example.org", signing_key=signing_key_for("example.org"),
        sender=CAROL, event_type="m.room.create", content=content, state_key="",
        room_id=None if rv.room_id_is_create_event_hash else "!new:example.org",
        prev_event_ids=[], auth_event_ids=[], depth=1, origin_server_ts=1,
    )  # fmt: skip


STATE_KEYS = {"m.room.member": st.sampled_from([CAROL, BOB, "", "@x"]),
              "m.room.message": st.none(), "m.room.redaction": st.none()}  # fmt: skip


@pytest.mark.parametrize("version", ["10", "11", "12"])
@pytest.mark.parametrize("event_type", EVENT_TYPES)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), content=CONTENTS)
def test_rules_only_raise_auth_error(
    version: str, event_type: str, data: st.DataObject, content: dict[str, Any]
) -> None:
    room = room_for(version)
    state_key = data.draw(STATE_KEYS.get(event_type, st.just("")))
    if event_type == "m.room.create":
        event = create_event(room, content)
    else:
        event = room.build(CAROL, event_type, content, state_key)
    auth_events = [room.events[event_id] for event_id in event.auth_event_ids]
    for check in (
        lambda: check_auth_rules(room.room_version, event, room.state, room.create_event),
        lambda: check_event_auth(room.room_version, event, auth_events, room.create_event),
    ):
        with contextlib.suppress(AuthError):
            check()
