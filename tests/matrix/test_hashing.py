"""Content hashes, event signatures, reference hashes and IDs: the appendices' "Event
Signing" vectors (signed with the redaction rules that keep `origin`, i.e. v10's)."""

import copy
import hashlib

import pytest

from closedserver.matrix.canonical_json import encode_canonical_json
from closedserver.matrix.errors import InvalidIdentifierError, SignatureError
from closedserver.matrix.event_signing import (
    add_hashes_and_signatures,
    servers_required_to_sign,
    verify_event_signature,
)
from closedserver.matrix.hashing import (
    check_content_hash,
    compute_content_hash,
    compute_event_id,
    compute_reference_hash,
    compute_room_id,
)
from closedserver.matrix.redaction import redact_pdu
from closedserver.matrix.room_versions import ROOM_V10, ROOM_V11, ROOM_V12
from closedserver.matrix.signing import SigningKey
from closedserver.matrix.unpadded_base64 import decode_base64, encode_base64

KEY = SigningKey.from_seed(decode_base64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"), "1")

MINIMAL_EVENT = {
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "signatures": {},
    "hashes": {},
    "type": "X",
    "content": {},
    "prev_events": [],
    "auth_events": [],
    "depth": 3,
    "unsigned": {"age_ts": 1000000},
}
REDACTABLE_EVENT = {
    "content": {"body": "Here is the message content"},
    "event_id": "$0:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "type": "m.room.message",
    "room_id": "!r:domain",
    "sender": "@u:domain",
    "signatures": {},
    "unsigned": {"age_ts": 1000000},
}


def test_minimal_event_vector() -> None:
    signed = add_hashes_and_signatures(ROOM_V10, copy.deepcopy(MINIMAL_EVENT), "domain", KEY)
    assert signed["hashes"] == {"sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"}
    assert signed["signatures"] == {
        "domain": {
            "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5K"
            "LjAWbOoMszkwsQma+lYAg"
        }
    }
    assert signed["unsigned"] == {"age_ts": 1000000}


def test_redactable_event_vector() -> None:
    signed = add_hashes_and_signatures(ROOM_V10, copy.deepcopy(REDACTABLE_EVENT), "domain", KEY)
    assert signed["hashes"] == {"sha256": "onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g"}
    assert signed["signatures"]["domain"]["ed25519:1"] == (
        "Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA"
    )


def test_the_signature_survives_redaction() -> None:
    signed = add_hashes_and_signatures(ROOM_V10, copy.deepcopy(REDACTABLE_EVENT), "domain", KEY)
    verify_event_signature(ROOM_V10, signed, "domain", "ed25519:1", KEY.verify_key)
    redacted = redact_pdu(ROOM_V10, signed)
    assert redacted["content"] == {}
    verify_event_signature(ROOM_V10, redacted, "domain", "ed25519:1", KEY.verify_key)


def test_a_changed_essential_field_breaks_the_signature() -> None:
    signed = add_hashes_and_signatures(ROOM_V10, copy.deepcopy(REDACTABLE_EVENT), "domain", KEY)
    with pytest.raises(SignatureError):
        verify_event_signature(
            ROOM_V10, signed | {"sender": "@v:domain"}, "domain", "ed25519:1", KEY.verify_key
        )


def test_content_hash_detects_changed_content() -> None:
    signed = add_hashes_and_signatures(ROOM_V11, copy.deepcopy(REDACTABLE_EVENT), "domain", KEY)
    assert check_content_hash(signed)
    assert check_content_hash(signed | {"unsigned": {"age": 1}})  # unsigned is not hashed
    assert not check_content_hash(signed | {"content": {"body": "forged"}})
    assert not check_content_hash(redact_pdu(ROOM_V11, signed))
    assert not check_content_hash({k: v for k, v in signed.items() if k != "hashes"})


def test_content_hash_is_sha256_of_canonical_json_without_signing_fields() -> None:
    expected = hashlib.sha256(
        encode_canonical_json({k: v for k, v in MINIMAL_EVENT.items()
                               if k not in ("unsigned", "signatures", "hashes")})
    ).digest()  # fmt: skip
    assert compute_content_hash(MINIMAL_EVENT) == expected
    assert encode_base64(expected) == "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"


def test_event_id_is_url_safe_reference_hash() -> None:
    signed = add_hashes_and_signatures(ROOM_V11, copy.deepcopy(MINIMAL_EVENT), "domain", KEY)
    reference_hash = compute_reference_hash(ROOM_V11, signed)
    event_id = compute_event_id(ROOM_V11, signed)
    assert event_id == "$" + encode_base64(reference_hash, urlsafe=True)
    assert len(event_id) == 44
    # signatures and unsigned are not part of the reference hash
    assert compute_event_id(ROOM_V11, signed | {"signatures": {}, "unsigned": {}}) == event_id
    # v11 redaction drops `origin`, v9 (room v10) keeps it
    assert compute_event_id(ROOM_V10, signed) != event_id


def test_v12_room_id_is_the_create_event_id_with_a_bang() -> None:
    create = {
        "type": "m.room.create", "state_key": "", "sender": "@a:domain",
        "content": {"room_version": "12"}, "origin_server_ts": 1, "depth": 1,
        "prev_events": [], "auth_events": [],
    }  # fmt: skip
    add_hashes_and_signatures(ROOM_V12, create, "domain", KEY)
    assert compute_room_id(ROOM_V12, create) == "!" + compute_event_id(ROOM_V12, create)[1:]
    with pytest.raises(ValueError):
        compute_room_id(ROOM_V11, create)


def test_servers_required_to_sign() -> None:
    assert servers_required_to_sign({"sender": "@a:one", "type": "m.room.message"}) == {"one"}
    restricted_join = {
        "sender": "@a:one", "type": "m.room.member",
        "content": {"membership": "join", "join_authorised_via_users_server": "@b:two"},
    }  # fmt: skip
    assert servers_required_to_sign(restricted_join) == {"one", "two"}
    third_party_invite = {
        "sender": "@a:one", "type": "m.room.member",
        "content": {"membership": "invite", "third_party_invite": {"signed": {}}},
    }  # fmt: skip
    assert servers_required_to_sign(third_party_invite) == set()
    with pytest.raises(InvalidIdentifierError):
        servers_required_to_sign(
            restricted_join | {"content": {"join_authorised_via_users_server": "nobody"}}
        )
