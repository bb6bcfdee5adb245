"""ed25519 signatures on the signed JSON objects of E2EE (device keys, cross-signing keys),
as bool-returning checks over matrix/signing.py (appendices: "Signing JSON", "Checking for
a Signature"). Pure functions, no I/O.

A signed object's signing bytes are its canonical JSON without `signatures` and `unsigned`;
a signature is the unpadded Base64 of the 64-byte ed25519 signature of those bytes, found at
`signatures[user_id][key_id]`.
"""

from __future__ import annotations

from typing import Any

import nacl.signing

from closedserver.matrix.errors import CanonicalJsonError, SignatureError
from closedserver.matrix.signing import decode_verify_key, signable_bytes, verify_json_signature


def ed25519_key(text: Any) -> nacl.signing.VerifyKey | None:
    """The verify key for a Base64 ed25519 public key, or None when it is not one."""
    try:
        return decode_verify_key(text)
    except SignatureError:
        return None


def same_signed_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """True when two signed objects differ at most in `signatures` and `unsigned`."""
    try:
        return signable_bytes(a) == signable_bytes(b)
    except CanonicalJsonError:
        return False


def signature_of(signed: dict[str, Any], user_id: str, key_id: str) -> str | None:
    """The signature string at `signatures[user_id][key_id]`, as uploaded."""
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
    if verify_key is None:
        return False
    try:
        verify_json_signature(signed, user_id, key_id, verify_key)
    except (SignatureError, CanonicalJsonError):
        return False
    return True
