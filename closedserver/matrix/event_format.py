"""Structure and size checks of PDUs (fragments/v6-event-format.md with pdu_v4/v6.yaml
for v10, pdu_v11.yaml, pdu_v12.yaml; client-server API "Size limits"; server-server API
"Checks performed on receipt of a PDU", step 1).

These checks are what every server applies to every event of the room version, so a
failure means the PDU is dropped (federation) or the request is malformed (local).
Content schemas of individual event types are NOT checked here: that would split the
room with servers that accept them (see content_checks.py for locally created events).
"""

from collections.abc import Mapping
from typing import Any

from closedserver.matrix.errors import EventFormatError, EventTooLargeError
from closedserver.matrix.ids import (
    is_valid_event_id,
    is_valid_hash_room_id,
    is_valid_room_id,
    is_valid_user_id,
)
from closedserver.matrix.room_versions import RoomVersion

MAX_PDU_BYTES = 65536
MAX_ID_BYTES = 255
MAX_AUTH_EVENTS = 10
MAX_PREV_EVENTS = 20


def validate_pdu_structure(room_version: RoomVersion, pdu: Any) -> None:
    """Check the keys and value types of a PDU. Raises EventFormatError."""
    if not isinstance(pdu, dict):
        raise EventFormatError("a PDU must be a JSON object")
    for key in ("type", "sender"):
        _require(pdu, key, str)
    for key in ("origin_server_ts", "depth"):
        _require(pdu, key, int)
    _require(pdu, "content", dict)
    if not is_valid_user_id(pdu["sender"]):
        raise EventFormatError(f"'sender' is not a valid user ID: {pdu['sender']!r}")
    if "state_key" in pdu:
        _require(pdu, "state_key", str)
    if "unsigned" in pdu:
        _require(pdu, "unsigned", dict)
    _check_hashes_and_signatures(pdu)
    _check_event_id_list(pdu, "auth_events", MAX_AUTH_EVENTS)
    _check_event_id_list(pdu, "prev_events", MAX_PREV_EVENTS)
    _check_room_id(room_version, pdu)
    if not room_version.redacts_in_content and "redacts" in pdu:
        _require(pdu, "redacts", str)


def _require(pdu: Mapping[str, Any], key: str, kind: type) -> None:
    if key not in pdu:
        raise EventFormatError(f"missing '{key}'")
    value = pdu[key]
    # `type(...) is` so that booleans are not accepted as integers
    if type(value) is not kind:
        raise EventFormatError(f"'{key}' must be {_KIND_NAMES[kind]}, not {_json_type(value)}")


_KIND_NAMES = {str: "a string", int: "an integer", dict: "an object", list: "an array"}


_JSON_TYPE_NAMES = {
    str: "a string", int: "an integer", bool: "a boolean", float: "a float",
    dict: "an object", list: "an array", type(None): "null",
}  # fmt: skip


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _check_hashes_and_signatures(pdu: Mapping[str, Any]) -> None:
    _require(pdu, "hashes", dict)
    if type(pdu["hashes"].get("sha256")) is not str:
        raise EventFormatError("'hashes.sha256' must be a string")
    _require(pdu, "signatures", dict)
    for server_name, signatures in pdu["signatures"].items():
        if type(signatures) is not dict or any(type(s) is not str for s in signatures.values()):
            raise EventFormatError(f"'signatures.{server_name}' must map key IDs to strings")


def _check_event_id_list(pdu: Mapping[str, Any], key: str, limit: int) -> None:
    _require(pdu, key, list)
    event_ids = pdu[key]
    if len(event_ids) > limit:
        raise EventFormatError(f"'{key}' lists {len(event_ids)} events; the limit is {limit}")
    for event_id in event_ids:
        if not is_valid_event_id(event_id):
            raise EventFormatError(f"'{key}' holds an invalid event ID: {event_id!r}")


def _check_room_id(room_version: RoomVersion, pdu: Mapping[str, Any]) -> None:
    is_create = pdu["type"] == "m.room.create" and pdu.get("state_key") == ""
    if room_version.room_id_is_create_event_hash and is_create:
        # v12: "Omitted from m.room.create events"; one that has it fails auth rule 1.2.
        return
    _require(pdu, "room_id", str)
    room_id = pdu["room_id"]
    if room_version.room_id_is_create_event_hash:
        valid = is_valid_hash_room_id(room_id)
    else:
        valid = is_valid_room_id(room_id) and not is_valid_hash_room_id(room_id)
    if not valid:
        raise EventFormatError(f"'room_id' is not a valid v{room_version} room ID: {room_id!r}")


def check_size_limits(pdu: Mapping[str, Any], event_id: str, pdu_json: bytes) -> None:
    """The 64 KiB limit on the whole PDU (canonical JSON, signatures included) and the
    255-byte limits on sender, room_id, state_key, type and event_id."""
    if len(pdu_json) > MAX_PDU_BYTES:
        raise EventTooLargeError(f"event is {len(pdu_json)} bytes; the limit is {MAX_PDU_BYTES}")
    _check_id_length("event_id", event_id)
    for key in ("sender", "room_id", "state_key", "type"):
        value = pdu.get(key)
        if isinstance(value, str):
            _check_id_length(key, value)


def _check_id_length(key: str, value: str) -> None:
    # UTF-8 takes at most 4 bytes per character: short strings need no encoding.
    if len(value) > MAX_ID_BYTES // 4 and len(value.encode("utf-8")) > MAX_ID_BYTES:
        raise EventTooLargeError(f"'{key}' is longer than {MAX_ID_BYTES} bytes")
