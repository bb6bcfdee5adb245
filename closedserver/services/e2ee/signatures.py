"""ed25519 signatures on signed JSON objects (appendices: "Signing JSON", "Checking for a
Signature"), as carried by device keys and cross-signing keys.

Pure functions, no I/O. A signed object's signing bytes are its canonical JSON without
`signatures` and `unsigned`; a signature is the unpadded Base64 of the 64-byte ed25519
signature of those bytes, found at `signatures[user_id][key_id]`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import nacl.exceptions
import nacl.signing

from closedserver.matrix.canonical_json import encode_canonical_json

ED25519 = "ed25519"


def decode_base64(text: str) -> bytes | None:
    """Unpadded (or padded) standard Base64 -> bytes, or None when it is not Base64."""
    if not isinstance(text, str) or not text.isascii():
        return None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def ed25519_key(text: Any) -> nacl.signing.VerifyKey | None:
    """The verify key for a Base64 ed25519 public key, or None when it is not one."""
    raw = decode_base64(text)
    if raw is None or len(raw) != 32:
        return None
    return nacl.signing.VerifyKey(raw)


def unsigned_copy(signed: dict[str, Any]) -> dict[str, Any]:
    """The object as it was signed: without `signatures` and `unsigned`."""
    return {k: v for k, v in signed.items() if k not in ("signatures", "unsigned")}


def signing_bytes(signed: dict[str, Any]) -> bytes:
    return encode_canonical_json(unsigned_copy(signed))


def same_signed_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True when two signed objects differ at most in `signatures` and `unsigned`."""
    try:
        return signing_bytes(a) == signing_bytes(b)
    except (TypeError, ValueError):
        return False


def signature_of(signed: dict[str, Any], user_id: str, key_id: str) -> str | None:
    signatures = signed.get("signatures")
    by_user = signatures.get(user_id) if isinstance(signatures, dict) else None
    signature = by_user.get(key_id) if isinstance(by_user, dict) else None
    return signature if isinstance(signature, str) else None


def verify_signature(signed: dict[str, Any], user_id: str, key_id: str,
                     public_key: str) -> bool:
    """Does `signed` carry a valid signature by `user_id`'s ed25519 key `key_id`?

    `public_key` is the unpadded Base64 ed25519 public key that `key_id` names.
    """
    verify_key = ed25519_key(public_key)
    signature = signature_of(signed, user_id, key_id)
    raw_signature = decode_base64(signature) if signature is not None else None
    if verify_key is None or raw_signature is None or len(raw_signature) != 64:
        return False
    try:
        verify_key.verify(signing_bytes(signed), raw_signature)
    except (nacl.exceptions.BadSignatureError, TypeError, ValueError):
        return False
    return True
