"""Content hashes, reference hashes, event IDs and v12 room IDs (server-server API,
"Calculating the content hash for an event", "Calculating the reference hash for an
event"; fragments/v4-event-ids.md; v12.md and appendices "Room IDs").

The `*_input` functions return the object whose canonical JSON is hashed, so callers that
already validated the PDU can encode it once with `encode_checked` and reuse the bytes:
the reference hash input is exactly what the origin server signs.
"""

import hashlib
from collections.abc import Mapping
from typing import Any

from closedserver.matrix.canonical_json import encode_canonical_json
from closedserver.matrix.ids import room_id_from_create_event_id
from closedserver.matrix.redaction import redact_pdu
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.unpadded_base64 import decode_base64, encode_base64

_NOT_IN_CONTENT_HASH = frozenset(("unsigned", "signatures", "hashes"))
_NOT_IN_REFERENCE_HASH = frozenset(("unsigned", "signatures"))


def content_hash_input(pdu: Mapping[str, Any]) -> dict[str, Any]:
    """The PDU without `unsigned`, `signatures` and `hashes`."""
    return {key: value for key, value in pdu.items() if key not in _NOT_IN_CONTENT_HASH}


def compute_content_hash(pdu: Mapping[str, Any]) -> bytes:
    """sha256 of the canonical JSON of the complete, unredacted event."""
    return hashlib.sha256(encode_canonical_json(content_hash_input(pdu))).digest()


def check_content_hash(pdu: Mapping[str, Any]) -> bool:
    """True if `hashes.sha256` matches the event. False when it is absent or malformed:
    the spec then says to process the redacted form instead."""
    hashes = pdu.get("hashes")
    claimed = hashes.get("sha256") if isinstance(hashes, Mapping) else None
    if not isinstance(claimed, str):
        return False
    try:
        return decode_base64(claimed) == compute_content_hash(pdu)
    except ValueError:
        return False


def reference_hash_input(room_version: RoomVersion, pdu: Mapping[str, Any]) -> dict[str, Any]:
    """The redacted PDU without `signatures` and `unsigned`: what gets hashed for the
    event ID, and what the origin server signs."""
    redacted = redact_pdu(room_version, pdu)
    return {key: value for key, value in redacted.items() if key not in _NOT_IN_REFERENCE_HASH}


def compute_reference_hash(room_version: RoomVersion, pdu: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(encode_canonical_json(reference_hash_input(room_version, pdu))).digest()


def event_id_from_reference_hash(reference_hash: bytes) -> str:
    return "$" + encode_base64(reference_hash, urlsafe=True)


def compute_event_id(room_version: RoomVersion, pdu: Mapping[str, Any]) -> str:
    """`$` + URL-safe unpadded Base64 of the reference hash (room versions 4+)."""
    return event_id_from_reference_hash(compute_reference_hash(room_version, pdu))


def compute_room_id(room_version: RoomVersion, create_pdu: Mapping[str, Any]) -> str:
    """The room ID of a v12 room: its create event's ID with `!` instead of `$`."""
    if not room_version.room_id_is_create_event_hash:
        raise ValueError(f"room version {room_version} does not derive room IDs from events")
    return room_id_from_create_event_id(compute_event_id(room_version, create_pdu))
