"""Shape checks for uploaded key objects (spec: DeviceKeys, OneTimeKeys / KeyObject,
CrossSigningKey in the end-to-end encryption module).

Malformed JSON is 400 M_BAD_JSON; well-formed objects naming the wrong user, device or
usage are 400 M_INVALID_PARAM. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from closedserver.errors import BadJson, InvalidParam
from closedserver.matrix.errors import InvalidIdentifierError
from closedserver.matrix.ids import parse_user_id
from closedserver.matrix.signing import ED25519
from closedserver.services.e2ee.signatures import ed25519_key

CROSS_SIGNING_USAGES = ("master", "self_signing", "user_signing")


@dataclass(frozen=True)
class CrossSigningKey:
    usage: str
    public_key: str  # unpadded Base64 ed25519 key; the key ID is "ed25519:<public_key>"
    signed: dict[str, Any]

    @property
    def key_id(self) -> str:
        return f"{ED25519}:{self.public_key}"


def server_of(user_id: Any) -> str:
    """The server name of a user ID, or 400 M_INVALID_PARAM when it is not one."""
    try:
        return parse_user_id(user_id)[1]
    except InvalidIdentifierError:
        raise InvalidParam(f"Not a user ID: {user_id!r}") from None


def _signatures_ok(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(by_user, dict) and all(isinstance(s, str) for s in by_user.values())
        for by_user in value.values())


def check_device_keys(keys: Any, user_id: str, device_id: str) -> dict[str, Any]:
    """A DeviceKeys object for this very device; returns it without `unsigned`."""
    if not isinstance(keys, dict):
        raise BadJson("'device_keys' must be an object")
    if not isinstance(keys.get("algorithms"), list) or not all(
            isinstance(a, str) for a in keys["algorithms"]):
        raise BadJson("'device_keys.algorithms' must be an array of strings")
    identity = keys.get("keys")
    if not isinstance(identity, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in identity.items()):
        raise BadJson("'device_keys.keys' must map key IDs to keys")
    if not _signatures_ok(keys.get("signatures")):
        raise BadJson("'device_keys.signatures' must map user IDs to signatures")
    if keys.get("user_id") != user_id or keys.get("device_id") != device_id:
        raise InvalidParam(f"'device_keys' must be for user {user_id}, device {device_id}")
    return {k: v for k, v in keys.items() if k != "unsigned"}


def check_key_map(keys: Any, name: str) -> list[tuple[str, str, Any]]:
    """One-time or fallback keys `{"<algorithm>:<key_id>": key}` as (algorithm, id, key)."""
    if not isinstance(keys, dict):
        raise BadJson(f"'{name}' must be an object")
    parsed = []
    for full_id, key in keys.items():
        algorithm, _, key_id = full_id.partition(":")
        if not algorithm or not key_id:
            raise BadJson(f"'{name}' key IDs must look like <algorithm>:<key_id>")
        if isinstance(key, dict):
            if not isinstance(key.get("key"), str) or not _signatures_ok(key.get("signatures")):
                raise BadJson(f"'{name}.{full_id}' needs a 'key' string and 'signatures'")
        elif not isinstance(key, str):
            raise BadJson(f"'{name}.{full_id}' must be a key string or a key object")
        parsed.append((algorithm, key_id, key))
    return parsed


def check_cross_signing_key(signed: Any, user_id: str, usage: str) -> CrossSigningKey:
    """A CrossSigningKey of `user_id` for `usage` with exactly one ed25519 public key."""
    name = f"{usage}_key" if usage != "master" else "master_key"
    if not isinstance(signed, dict):
        raise BadJson(f"'{name}' must be an object")
    if signed.get("user_id") != user_id:
        raise InvalidParam(f"'{name}.user_id' must be {user_id}")
    usages = signed.get("usage")
    if not isinstance(usages, list) or usage not in usages:
        raise InvalidParam(f"'{name}.usage' must include {usage!r}")
    keys = signed.get("keys")
    if not isinstance(keys, dict) or len(keys) != 1:
        raise InvalidParam(f"'{name}.keys' must hold exactly one key")
    [(key_id, public_key)] = keys.items()
    if key_id != f"{ED25519}:{public_key}" or ed25519_key(public_key) is None:
        raise InvalidParam(f"'{name}.keys' must be {{\"ed25519:<key>\": \"<key>\"}} with an "
                           "ed25519 public key")
    if "signatures" in signed and not _signatures_ok(signed["signatures"]):
        raise BadJson(f"'{name}.signatures' must map user IDs to signatures")
    return CrossSigningKey(usage, public_key, signed)
