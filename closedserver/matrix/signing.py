"""ed25519 signing keys and signed JSON (appendices, "Signing JSON", "Signing Details",
"Checking for a Signature").

A key is identified by `ed25519:<version>`. Keys are stored in Synapse's signing-key file
format, one key per line: `ed25519 <version> <unpadded Base64 of the 32-byte seed>`.
`encode_signing_keys`/`decode_signing_keys` do the format; `load_signing_keys` and
`save_signing_key` are the only file access of this package (asked for by the design, so
the CLI and the homeserver read keys the same way).
"""

import os
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.signing

from closedserver.matrix.canonical_json import encode_canonical_json
from closedserver.matrix.errors import SignatureError
from closedserver.matrix.unpadded_base64 import decode_base64, encode_base64

ED25519 = "ed25519"
_KEY_VERSION = re.compile(r"[A-Za-z0-9_]+")


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A server's ed25519 signing key and its version (the part after `ed25519:`)."""

    version: str
    nacl_key: nacl.signing.SigningKey

    @classmethod
    def generate(cls, version: str | None = None) -> "SigningKey":
        """A fresh random key; the default version is `a_` + 4 random characters."""
        if version is None:
            alphabet = string.ascii_letters + string.digits
            version = "a_" + "".join(secrets.choice(alphabet) for _ in range(4))
        return cls.from_seed(secrets.token_bytes(32), version)

    @classmethod
    def from_seed(cls, seed: bytes, version: str) -> "SigningKey":
        if not _KEY_VERSION.fullmatch(version):
            raise ValueError(f"invalid key version {version!r}: use [A-Za-z0-9_]")
        return cls(version=version, nacl_key=nacl.signing.SigningKey(seed))

    @property
    def key_id(self) -> str:
        return f"{ED25519}:{self.version}"

    @property
    def verify_key(self) -> nacl.signing.VerifyKey:
        return self.nacl_key.verify_key

    @property
    def public_key_base64(self) -> str:
        """The verify key as published in `/_matrix/key/v2/server`."""
        return encode_base64(bytes(self.nacl_key.verify_key))

    def sign(self, message: bytes) -> bytes:
        """The raw 64-byte ed25519 signature of `message`."""
        return self.nacl_key.sign(message).signature

    def __repr__(self) -> str:  # never print the seed
        return f"SigningKey({self.key_id})"


def encode_signing_keys(keys: list[SigningKey]) -> str:
    """Synapse's signing-key file format, one `ed25519 <version> <seed>` line per key."""
    return "".join(
        f"{ED25519} {key.version} {encode_base64(bytes(key.nacl_key))}\n" for key in keys
    )


def decode_signing_keys(text: str) -> list[SigningKey]:
    """Parse Synapse's signing-key file format. Raises ValueError on a malformed line."""
    keys = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or parts[0] != ED25519:
            raise ValueError(f"line {line_number}: expected 'ed25519 <version> <seed>'")
        seed = decode_base64(parts[2])
        if len(seed) != 32:
            raise ValueError(f"line {line_number}: an ed25519 seed is 32 bytes")
        keys.append(SigningKey.from_seed(seed, parts[1]))
    return keys


def load_signing_keys(path: str | os.PathLike[str]) -> list[SigningKey]:
    return decode_signing_keys(Path(path).read_text(encoding="ascii"))


def save_signing_key(path: str | os.PathLike[str], key: SigningKey) -> None:
    """Write the key file readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(encode_signing_keys([key]))


def decode_verify_key(public_key_base64: str) -> nacl.signing.VerifyKey:
    """An ed25519 verify key from its (standard or URL-safe) unpadded Base64 form."""
    try:
        return nacl.signing.VerifyKey(decode_base64(public_key_base64))
    except (ValueError, TypeError, nacl.exceptions.CryptoError) as exc:
        raise SignatureError(f"invalid ed25519 public key: {exc}") from exc


def signable_bytes(obj: Mapping[str, Any]) -> bytes:
    """What a signature covers: the canonical JSON of `obj` without `signatures` and
    `unsigned`. Raises CanonicalJsonError."""
    return encode_canonical_json({k: v for k, v in obj.items() if k not in _UNSIGNED_KEYS})


_UNSIGNED_KEYS = frozenset(("signatures", "unsigned"))


def sign_json(obj: Mapping[str, Any], server_name: str, key: SigningKey) -> dict[str, Any]:
    """A copy of `obj` with this server's signature added under `signatures`."""
    signature = encode_base64(key.sign(signable_bytes(obj)))
    signed = dict(obj)
    signatures = {name: dict(sigs) for name, sigs in obj.get("signatures", {}).items()}
    signatures.setdefault(server_name, {})[key.key_id] = signature
    signed["signatures"] = signatures
    return signed


def verify_json_signature(
    obj: Mapping[str, Any],
    server_name: str,
    key_id: str,
    verify_key: nacl.signing.VerifyKey,
) -> None:
    """Check `server_name`'s signature with `key_id` on `obj`. Raises SignatureError."""
    signature = find_signature(obj, server_name, key_id)
    verify_signature_bytes(signable_bytes(obj), signature, verify_key, f"{server_name} {key_id}")


def find_signature(obj: Mapping[str, Any], server_name: str, key_id: str) -> bytes:
    signatures = obj.get("signatures")
    if not isinstance(signatures, Mapping):
        raise SignatureError("object has no signatures")
    server_signatures = signatures.get(server_name)
    if not isinstance(server_signatures, Mapping):
        raise SignatureError(f"no signatures from {server_name}")
    encoded = server_signatures.get(key_id)
    if not isinstance(encoded, str):
        raise SignatureError(f"no signature from {server_name} with key {key_id}")
    try:
        return decode_base64(encoded)
    except ValueError as exc:
        raise SignatureError(f"signature from {server_name} {key_id} is not Base64") from exc


def verify_signature_bytes(
    message: bytes, signature: bytes, verify_key: nacl.signing.VerifyKey, signer: str
) -> None:
    try:
        verify_key.verify(message, signature)
    except (nacl.exceptions.BadSignatureError, ValueError, TypeError) as exc:
        raise SignatureError(f"signature from {signer} does not verify") from exc
