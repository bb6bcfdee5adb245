"""Building and signing new events (server-server API, "Adding hashes and signatures to
outgoing events"; event formats of fragments/v6-event-format.md, pdu_v11.yaml and
pdu_v12.yaml).

`build_event` assembles the PDU of the room version, computes its content hash, signs
its redacted form and derives its event ID from the same bytes (the reference hash
input is exactly what is signed), so each step encodes canonical JSON once.

Room IDs of v12 rooms: the create event has no `room_id`; the room ID is `!` + its
reference hash, read back as `event.room_id`. Two create events by the same sender with
the same content at the same millisecond therefore collide. Entropy must go into a field
the reference hash covers; we use `origin_server_ts`, as Synapse does: the caller keeps
creation timestamps unique per sender (e.g. retries with `origin_server_ts + 1` when the
room ID is taken). A nonce in the create content would also work (v11+ redaction keeps
all of it) but would be shown to every client and kept in the room forever.
"""

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from closedserver.matrix.canonical_json import (
    MAX_SAFE_INTEGER,
    MIN_SAFE_INTEGER,
    check_canonical_json,
    encode_checked,
)
from closedserver.matrix.errors import CanonicalJsonError, EventFormatError
from closedserver.matrix.event import Event
from closedserver.matrix.event_format import check_size_limits
from closedserver.matrix.hashing import (
    content_hash_input,
    event_id_from_reference_hash,
    reference_hash_input,
)
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.signing import SigningKey
from closedserver.matrix.unpadded_base64 import encode_base64


def build_event(
    room_version: RoomVersion,
    *,
    server_name: str,
    signing_key: SigningKey,
    sender: str,
    event_type: str,
    content: Mapping[str, Any],
    state_key: str | None = None,
    room_id: str | None,
    prev_event_ids: Sequence[str],
    auth_event_ids: Sequence[str],
    depth: int,
    origin_server_ts: int,
    redacts: str | None = None,
    unsigned: Mapping[str, Any] | None = None,
) -> Event:
    """Assemble, hash and sign a new event; return it with its event ID.

    `room_id` is None exactly for the create event of a v12 room. `redacts` is only for
    m.room.redaction: it goes to the top level in v10 and into `content` from v11.
    Raises EventFormatError for content that is not canonical JSON, and
    EventTooLargeError when the event breaks a size limit. Does not check auth rules.
    """
    pdu = _assemble_pdu(
        room_version, sender=sender, event_type=event_type, content=content,
        state_key=state_key, room_id=room_id, prev_event_ids=prev_event_ids,
        auth_event_ids=auth_event_ids, depth=depth, origin_server_ts=origin_server_ts,
        redacts=redacts,
    )  # fmt: skip
    _check_canonical_parts(pdu, unsigned)

    try:
        content_json = encode_checked(content_hash_input(pdu))
    except CanonicalJsonError as exc:  # e.g. a lone surrogate in a string
        raise EventFormatError(f"not canonical JSON: {exc}") from exc
    content_hash = hashlib.sha256(content_json).digest()
    pdu["hashes"] = {"sha256": encode_base64(content_hash)}
    signed_bytes = encode_checked(reference_hash_input(room_version, pdu))
    signature = encode_base64(signing_key.sign(signed_bytes))
    pdu["signatures"] = {server_name: {signing_key.key_id: signature}}
    if unsigned is not None:
        pdu["unsigned"] = dict(unsigned)
    event_id = event_id_from_reference_hash(hashlib.sha256(signed_bytes).digest())

    pdu_json = encode_checked(pdu)
    check_size_limits(pdu, event_id, pdu_json)
    return Event(pdu, room_version, event_id, canonical_json=pdu_json)


def _check_canonical_parts(pdu: dict[str, Any], unsigned: Mapping[str, Any] | None) -> None:
    """Canonical JSON checks without walking the whole PDU: the caller's content and
    unsigned in full, the fields we assembled by type."""
    try:
        check_canonical_json(pdu["content"])
        if unsigned is not None:
            check_canonical_json(unsigned)
    except CanonicalJsonError as exc:
        raise EventFormatError(f"not canonical JSON: {exc}") from exc
    for key in ("sender", "type", "room_id", "state_key", "redacts"):
        if key in pdu and type(pdu[key]) is not str:
            raise EventFormatError(f"'{key}' must be a string")
    for key in ("depth", "origin_server_ts"):
        if type(pdu[key]) is not int or not MIN_SAFE_INTEGER <= pdu[key] <= MAX_SAFE_INTEGER:
            raise EventFormatError(f"'{key}' must be an integer in the canonical JSON range")
    for key in ("prev_events", "auth_events"):
        if any(type(event_id) is not str for event_id in pdu[key]):
            raise EventFormatError(f"'{key}' must be a list of event IDs")


def _assemble_pdu(
    room_version: RoomVersion,
    *,
    sender: str,
    event_type: str,
    content: Mapping[str, Any],
    state_key: str | None,
    room_id: str | None,
    prev_event_ids: Sequence[str],
    auth_event_ids: Sequence[str],
    depth: int,
    origin_server_ts: int,
    redacts: str | None,
) -> dict[str, Any]:
    is_hash_create = (
        room_version.room_id_is_create_event_hash
        and event_type == "m.room.create"
        and state_key == ""
    )
    if is_hash_create != (room_id is None):
        raise ValueError(
            "room_id must be None for a v12 m.room.create event and given otherwise"
        )
    pdu: dict[str, Any] = {
        "auth_events": list(auth_event_ids),
        "content": dict(content),
        "depth": depth,
        "origin_server_ts": origin_server_ts,
        "prev_events": list(prev_event_ids),
        "sender": sender,
        "type": event_type,
    }
    if room_id is not None:
        pdu["room_id"] = room_id
    if state_key is not None:
        pdu["state_key"] = state_key
    if redacts is not None:
        if event_type != "m.room.redaction":
            raise ValueError("redacts is only for m.room.redaction events")
        target = pdu["content"] if room_version.redacts_in_content else pdu
        target["redacts"] = redacts
    return pdu
