"""Real ed25519/curve25519 keys for E2EE tests, signed the spec's way (canonical JSON).

A `TestDevice` makes device keys, one-time keys and fallback keys signed with its own
ed25519 key; `CrossSigningSet` makes a user's master, self-signing and user-signing keys.
"""

from __future__ import annotations

import base64
import copy
import itertools
from typing import Any

import nacl.exceptions
import nacl.public
import nacl.signing
from canonicaljson import encode_canonical_json

ALGORITHMS = ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"]
_key_ids = itertools.count(1)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def public_key(signing_key: nacl.signing.SigningKey) -> str:
    return b64(bytes(signing_key.verify_key))


def sign(obj: dict[str, Any], user_id: str, key_id: str,
         signing_key: nacl.signing.SigningKey) -> dict[str, Any]:
    """A copy of `obj` with a signature by `key_id` added (appendices, "Signing JSON")."""
    signed = copy.deepcopy(obj)
    unsigned = {k: v for k, v in signed.items() if k not in ("signatures", "unsigned")}
    signature = signing_key.sign(encode_canonical_json(unsigned)).signature
    signed.setdefault("signatures", {}).setdefault(user_id, {})[key_id] = b64(signature)
    return signed


class TestDevice:
    """The keys of one device of `user_id`."""

    __test__ = False  # not a pytest test class

    def __init__(self, user_id: str, device_id: str) -> None:
        self.user_id = user_id
        self.device_id = device_id
        self.ed25519 = nacl.signing.SigningKey.generate()
        self.curve25519 = nacl.public.PrivateKey.generate()

    @property
    def key_id(self) -> str:
        return f"ed25519:{self.device_id}"

    def device_keys(self) -> dict[str, Any]:
        keys = {"user_id": self.user_id, "device_id": self.device_id,
                "algorithms": ALGORITHMS,
                "keys": {f"curve25519:{self.device_id}": b64(bytes(self.curve25519.public_key)),
                         self.key_id: public_key(self.ed25519)}}
        return sign(keys, self.user_id, self.key_id, self.ed25519)

    def one_time_keys(self, count: int) -> dict[str, Any]:
        return dict(self._signed_key() for _ in range(count))

    def fallback_key(self) -> dict[str, Any]:
        return dict([self._signed_key(fallback=True)])

    def _signed_key(self, *, fallback: bool = False) -> tuple[str, dict[str, Any]]:
        key: dict[str, Any] = {"key": b64(bytes(nacl.public.PrivateKey.generate().public_key))}
        if fallback:
            key["fallback"] = True
        key_id = f"signed_curve25519:AAAA{next(_key_ids):06d}"
        return key_id, sign(key, self.user_id, self.key_id, self.ed25519)

    def sign(self, obj: dict[str, Any]) -> dict[str, Any]:
        return sign(obj, self.user_id, self.key_id, self.ed25519)


class CrossSigningSet:
    """A user's three cross-signing keys; `upload_body()` is for /keys/device_signing/upload."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.master = nacl.signing.SigningKey.generate()
        self.self_signing = nacl.signing.SigningKey.generate()
        self.user_signing = nacl.signing.SigningKey.generate()

    def key(self, usage: str) -> dict[str, Any]:
        signing_key = getattr(self, usage)
        public = public_key(signing_key)
        key = {"user_id": self.user_id, "usage": [usage], "keys": {f"ed25519:{public}": public}}
        if usage != "master":
            key = self.sign_with("master", key)
        return key

    def key_id(self, usage: str) -> str:
        return f"ed25519:{public_key(getattr(self, usage))}"

    def sign_with(self, usage: str, obj: dict[str, Any]) -> dict[str, Any]:
        return sign(obj, self.user_id, self.key_id(usage), getattr(self, usage))

    def upload_body(self) -> dict[str, Any]:
        return {"master_key": self.key("master"),
                "self_signing_key": self.key("self_signing"),
                "user_signing_key": self.key("user_signing")}


def verifies(signed: dict[str, Any], user_id: str, key_id: str, public: str) -> bool:
    """Does `signed` carry a valid ed25519 signature by `key_id` (checked independently)?"""
    unsigned = {k: v for k, v in signed.items() if k not in ("signatures", "unsigned")}
    signature = signed["signatures"][user_id][key_id]
    verify_key = nacl.signing.VerifyKey(base64.b64decode(public + "=" * (-len(public) % 4)))
    try:
        verify_key.verify(encode_canonical_json(unsigned),
                          base64.b64decode(signature + "=" * (-len(signature) % 4)))
    except nacl.exceptions.BadSignatureError:
        return False
    return True
