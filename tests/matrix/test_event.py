"""The Event view and event_from_pdu, the checks on PDUs received from elsewhere
(event format per room version, canonical JSON, size limits)."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closedserver.matrix.errors import EventFormatError, EventTooLargeError
from closedserver.matrix.event import Event, event_from_pdu
from closedserver.matrix.event_signing import add_hashes_and_signatures
from closedserver.matrix.room_versions import (
    KNOWN_ROOM_VERSIONS,
    ROOM_V10,
    ROOM_V11,
    ROOM_V12,
    RoomVersion,
)
from tests.matrix.factories import ALICE, BOB, CAROL, signing_key_for, standard_room

VERSIONS = [pytest.param(v, id=f"v{v.identifier}") for v in KNOWN_ROOM_VERSIONS.values()]
EVENT_ID = "$" + "E" * 43


def received(rv: RoomVersion, **changes: Any) -> dict[str, Any]:
    """A valid signed message PDU of the room version, with `changes` applied."""
    room = standard_room(rv)
    pdu = room.build_message(CAROL).get_pdu_json() | changes
    pdu = {key: value for key, value in pdu.items() if value is not None}
    pdu.pop("signatures")
    return add_hashes_and_signatures(rv, pdu, "example.org", signing_key_for("example.org"))


@pytest.mark.parametrize("rv", VERSIONS)
def test_a_valid_pdu_becomes_an_event(rv: RoomVersion) -> None:
    pdu = received(rv)
    event = event_from_pdu(pdu, rv)
    assert event.sender == CAROL and event.type == "m.room.message"
    assert event.state_key is None and not event.is_state()
    assert event.room_version is rv


@pytest.mark.parametrize("rv", VERSIONS)
@pytest.mark.parametrize(
    "key",
    ["type", "sender", "origin_server_ts", "depth", "content", "hashes", "signatures",
     "auth_events", "prev_events", "room_id"],
)  # fmt: skip
def test_required_keys(rv: RoomVersion, key: str) -> None:
    pdu = received(rv)
    del pdu[key]
    with pytest.raises(EventFormatError, match=f"missing '{key}'"):
        event_from_pdu(pdu, rv)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"depth": True}, "'depth' must be an integer, not a boolean"),
        ({"origin_server_ts": "1"}, "'origin_server_ts' must be an integer, not a string"),
        ({"content": []}, "'content' must be an object"),
        ({"state_key": 3}, "'state_key' must be a string"),
        ({"unsigned": "x"}, "'unsigned' must be an object"),
        ({"sender": "alice"}, "'sender' is not a valid user ID"),
        ({"hashes": {"sha256": 1}}, "'hashes.sha256' must be a string"),
        ({"signatures": {"example.org": "sig"}}, "'signatures.example.org'"),
        ({"prev_events": [EVENT_ID] * 21}, "the limit is 20"),
        ({"auth_events": [EVENT_ID] * 11}, "the limit is 10"),
        ({"prev_events": ["$abc:example.org"]}, "invalid event ID"),
        ({"room_id": "not a room"}, "not a valid v12 room ID"),
        ({"room_id": "!r:example.org"}, "not a valid v12 room ID"),
        ({"content": {"n": 0.5}}, "not canonical JSON"),
        ({"depth": 2**53}, "not canonical JSON"),
    ],
)
def test_malformed_pdus_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(EventFormatError, match=message):
        event_from_pdu(received(ROOM_V12) | changes, ROOM_V12)


@pytest.mark.parametrize("rv", [ROOM_V10, ROOM_V11])
def test_v10_and_v11_room_ids_have_a_server_name(rv: RoomVersion) -> None:
    with pytest.raises(EventFormatError, match=f"not a valid v{rv} room ID"):
        event_from_pdu(received(rv) | {"room_id": "!" + "N" * 43}, rv)


def test_v10_redacts_must_be_a_string() -> None:
    with pytest.raises(EventFormatError, match="'redacts'"):
        event_from_pdu(received(ROOM_V10) | {"redacts": 5}, ROOM_V10)


def test_size_limits() -> None:
    with pytest.raises(EventTooLargeError, match="65536"):
        event_from_pdu(received(ROOM_V12, content={"body": "x" * 66_000}), ROOM_V12)
    with pytest.raises(EventTooLargeError, match="'type'"):
        event_from_pdu(received(ROOM_V12, type="t" * 256), ROOM_V12)
    with pytest.raises(EventTooLargeError, match="'state_key'"):
        event_from_pdu(received(ROOM_V12, state_key="s" * 256), ROOM_V12)
    assert event_from_pdu(received(ROOM_V12, state_key="s" * 255), ROOM_V12).is_state()


def test_event_view_is_read_only() -> None:
    event = event_from_pdu(received(ROOM_V12), ROOM_V12)
    with pytest.raises(TypeError):
        event.content["body"] = "changed"  # type: ignore[index]
    with pytest.raises(AttributeError):
        event.sender = BOB  # type: ignore[misc]
    copy = event.get_pdu_json()
    copy["content"]["body"] = "changed"
    assert event.content["body"] == "hello"


def test_event_properties() -> None:
    room = standard_room(ROOM_V12)
    join = room.state[("m.room.member", BOB)]
    assert join.membership == "join" and join.state_key == BOB and join.is_state()
    assert join.state_map_key == ("m.room.member", BOB)
    assert join.prev_event_ids and join.auth_event_ids and join.depth > 1
    assert join.redacts is None and join.unsigned == {}
    message = room.build_message(ALICE)
    assert message.membership is None
    with pytest.raises(ValueError):
        _ = message.state_map_key


def test_equality_rejection_and_redaction_keep_the_event_id() -> None:
    room = standard_room(ROOM_V11)
    event = room.state[("m.room.member", CAROL)]
    rejected = event.with_rejected_reason("auth")
    assert rejected == event and hash(rejected) == hash(event)
    assert rejected.rejected_reason == "auth" and event.rejected_reason is None
    redacted = event.redacted()
    assert redacted.event_id == event.event_id
    assert redacted.content == {"membership": "join"}


def test_events_from_trusted_storage_need_no_recomputation() -> None:
    event = standard_room(ROOM_V12).state[("m.room.create", "")]
    loaded = Event(event.get_pdu_json(), ROOM_V12, event.event_id)
    assert loaded.room_id == event.room_id
    assert loaded.canonical_json == event.canonical_json


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8,
)  # fmt: skip
PDU_KEYS = [
    "type", "sender", "origin_server_ts", "depth", "content", "hashes", "signatures",
    "auth_events", "prev_events", "room_id", "state_key", "unsigned", "redacts",
]  # fmt: skip


@pytest.mark.parametrize("rv", VERSIONS)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(st.sampled_from(PDU_KEYS), JSON_VALUES, min_size=1, max_size=3))
def test_any_malformed_pdu_is_an_event_format_error(
    rv: RoomVersion, changes: dict[str, Any]
) -> None:
    pdu = VALID_PDUS.setdefault(rv.identifier, received(rv)) | changes
    try:
        event = event_from_pdu(pdu, rv)
    except EventFormatError:
        return
    assert event.event_id.startswith("$")


VALID_PDUS: dict[str, dict[str, Any]] = {}
