"""build_event: the PDU format per room version, hashes, signatures and IDs."""

from typing import Any

import pytest

from closedserver.matrix.builder import build_event
from closedserver.matrix.errors import EventFormatError, EventTooLargeError
from closedserver.matrix.event import Event, event_from_pdu
from closedserver.matrix.event_signing import verify_event_signature
from closedserver.matrix.hashing import check_content_hash, compute_event_id
from closedserver.matrix.ids import is_valid_event_id, is_valid_hash_room_id
from closedserver.matrix.room_versions import (
    KNOWN_ROOM_VERSIONS,
    ROOM_V10,
    ROOM_V11,
    ROOM_V12,
    RoomVersion,
)
from tests.matrix.factories import ALICE, signing_key_for

VERSIONS = [pytest.param(v, id=f"v{v.identifier}") for v in KNOWN_ROOM_VERSIONS.values()]
KEY = signing_key_for("example.org")
ROOM_IDS = {"10": "!r:example.org", "11": "!r:example.org",
            "12": "!Nhcu5BS-UMnFX7hBVfVSoXiD7OgH6iRT-xyIuqDnpYQ"}  # fmt: skip
PREV = "$" + "P" * 43


def build(rv: RoomVersion, **overrides: Any) -> Event:
    arguments: dict[str, Any] = {
        "server_name": "example.org", "signing_key": KEY, "sender": ALICE,
        "event_type": "m.room.message", "content": {"msgtype": "m.text", "body": "hi"},
        "room_id": ROOM_IDS[rv.identifier], "prev_event_ids": [PREV],
        "auth_event_ids": [PREV], "depth": 5, "origin_server_ts": 1_700_000_000_000,
    }  # fmt: skip
    return build_event(rv, **(arguments | overrides))


@pytest.mark.parametrize("rv", VERSIONS)
def test_a_message_has_the_pdu_format_of_its_version(rv: RoomVersion) -> None:
    event = build(rv)
    pdu = event.get_pdu_json()
    assert set(pdu) == {"auth_events", "content", "depth", "hashes", "origin_server_ts",
                        "prev_events", "room_id", "sender", "signatures", "type"}  # fmt: skip
    assert check_content_hash(pdu)
    verify_event_signature(rv, pdu, "example.org", KEY.key_id, KEY.verify_key)
    assert event.event_id == compute_event_id(rv, pdu)
    assert is_valid_event_id(event.event_id)
    assert event.room_id == ROOM_IDS[rv.identifier]
    assert event.canonical_json == event_from_pdu(pdu, rv).canonical_json


@pytest.mark.parametrize("rv", VERSIONS)
def test_built_events_pass_the_received_pdu_checks(rv: RoomVersion) -> None:
    event = build(rv, event_type="m.room.topic", state_key="", content={"topic": "t"})
    received = event_from_pdu(event.get_pdu_json(), rv)
    assert received.event_id == event.event_id
    assert received.state_key == ""


def test_redacts_is_top_level_in_v10_and_in_content_from_v11() -> None:
    content = {"reason": "spam"}
    v10 = build(ROOM_V10, event_type="m.room.redaction", content=content, redacts=PREV)
    assert v10.get_pdu_field("redacts") == PREV and "redacts" not in v10.content
    for rv in (ROOM_V11, ROOM_V12):
        event = build(rv, event_type="m.room.redaction", content=content, redacts=PREV)
        assert event.content["redacts"] == PREV and event.get_pdu_field("redacts") is None
        assert event.redacts == PREV
    assert content == {"reason": "spam"}  # the caller's dict is not modified
    with pytest.raises(ValueError):
        build(ROOM_V11, redacts=PREV)


def create_event(rv: RoomVersion, ts: int = 1, **content: Any) -> Event:
    return build(rv, event_type="m.room.create", state_key="", room_id=None,
                 content={"room_version": rv.identifier, **content},
                 prev_event_ids=[], auth_event_ids=[], depth=1, origin_server_ts=ts)  # fmt: skip


def test_v12_create_event_has_no_room_id_and_names_the_room() -> None:
    create = create_event(ROOM_V12)
    assert create.get_pdu_field("room_id") is None
    assert create.room_id == "!" + create.event_id[1:]
    assert is_valid_hash_room_id(create.room_id)
    assert event_from_pdu(create.get_pdu_json(), ROOM_V12).room_id == create.room_id


def test_v12_room_ids_need_entropy_in_the_timestamp_or_content() -> None:
    assert create_event(ROOM_V12).room_id == create_event(ROOM_V12).room_id
    assert create_event(ROOM_V12, ts=1).room_id != create_event(ROOM_V12, ts=2).room_id
    assert create_event(ROOM_V12).room_id != create_event(ROOM_V12, name="x").room_id


def test_room_id_must_be_given_except_for_v12_create_events() -> None:
    with pytest.raises(ValueError):
        build(ROOM_V12, room_id=None)
    with pytest.raises(ValueError):
        build(ROOM_V12, event_type="m.room.create", state_key="", content={})
    v11_create = build(ROOM_V11, event_type="m.room.create", state_key="", content={},
                       prev_event_ids=[], auth_event_ids=[])  # fmt: skip
    assert v11_create.room_id == "!r:example.org"


def test_unsigned_is_kept_but_not_hashed() -> None:
    plain = build(ROOM_V12)
    with_unsigned = build(ROOM_V12, unsigned={"age_ts": 5})
    assert with_unsigned.unsigned == {"age_ts": 5}
    assert with_unsigned.event_id == plain.event_id
    assert with_unsigned.hashes == plain.hashes


@pytest.mark.parametrize("content", [{"x": 1.5}, {"x": 2**53}, {"x": {1: 2}}])
def test_content_that_is_not_canonical_json_is_refused(content: dict[str, Any]) -> None:
    with pytest.raises(EventFormatError, match="canonical JSON"):
        build(ROOM_V12, content=content)


def test_too_large_events_are_refused() -> None:
    with pytest.raises(EventTooLargeError, match="65536"):
        build(ROOM_V12, content={"body": "x" * 65_536})
    with pytest.raises(EventTooLargeError, match="'type'"):
        build(ROOM_V12, event_type="t" * 256)
    with pytest.raises(EventTooLargeError, match="'state_key'"):
        build(ROOM_V12, event_type="org.example", state_key="é" * 128)
