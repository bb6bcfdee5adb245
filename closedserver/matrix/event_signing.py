"""Hashes and signatures on events (server-server API, "Signing Events": "Adding hashes and
signatures to outgoing events", "Validating hashes and signatures on received events").

The signature covers the *redacted* event (with its content hash), so it still verifies
after a redaction. Which servers must have signed an event is decided by
`servers_required_to_sign`; fetching their keys is the federation layer's job.
"""

from collections.abc import Mapping
from typing import Any

import nacl.signing

from closedserver.matrix.canonical_json import encode_canonical_json
from closedserver.matrix.errors import InvalidIdentifierError
from closedserver.matrix.hashing import compute_content_hash, reference_hash_input
from closedserver.matrix.ids import get_server_name
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.signing import SigningKey, find_signature, verify_signature_bytes
from closedserver.matrix.unpadded_base64 import encode_base64


def add_hashes_and_signatures(
    room_version: RoomVersion, pdu: dict[str, Any], server_name: str, key: SigningKey
) -> dict[str, Any]:
    """Set `hashes.sha256` and add this server's signature to `pdu` (modified in place
    and returned)."""
    pdu["hashes"] = {"sha256": encode_base64(compute_content_hash(pdu))}
    signed_bytes = encode_canonical_json(reference_hash_input(room_version, pdu))
    signatures = pdu.setdefault("signatures", {})
    signatures.setdefault(server_name, {})[key.key_id] = encode_base64(key.sign(signed_bytes))
    return pdu


def verify_event_signature(
    room_version: RoomVersion,
    pdu: Mapping[str, Any],
    server_name: str,
    key_id: str,
    verify_key: nacl.signing.VerifyKey,
) -> None:
    """Check `server_name`'s signature (key `key_id`) on the redacted form of the event.
    Raises SignatureError."""
    signature = find_signature(pdu, server_name, key_id)
    signed_bytes = encode_canonical_json(reference_hash_input(room_version, pdu))
    verify_signature_bytes(signed_bytes, signature, verify_key, f"{server_name} {key_id}")


def servers_required_to_sign(pdu: Mapping[str, Any]) -> set[str]:
    """The servers whose valid signature an event needs (room versions 3+):

    - the sender's server, except for an invite made from a third-party invite (its
      sender must match the m.room.third_party_invite's, but another server may send it);
    - for an m.room.member event with `join_authorised_via_users_server`, that user's
      server (auth rule 4.2 in v10/v11, 5.2 in v12).

    Raises InvalidIdentifierError if one of those user IDs has no server name.
    """
    servers = set()
    content = pdu.get("content")
    content = content if isinstance(content, Mapping) else {}
    is_member = pdu.get("type") == "m.room.member"
    is_third_party_invite = (
        is_member and content.get("membership") == "invite" and "third_party_invite" in content
    )
    if not is_third_party_invite:
        servers.add(get_server_name(pdu["sender"]))
    authoriser = content.get("join_authorised_via_users_server") if is_member else None
    if authoriser is not None:
        if not isinstance(authoriser, str):
            raise InvalidIdentifierError("join_authorised_via_users_server is not a user ID")
        servers.add(get_server_name(authoriser))
    return servers
