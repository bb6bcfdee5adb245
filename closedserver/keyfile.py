"""The server's ed25519 signing key file: `ed25519 <key version> <unpadded base64 seed>`."""

from __future__ import annotations

import base64
from pathlib import Path

import nacl.signing

from closedserver.randomness import random_string


def generate_signing_key_file(path: Path) -> str:
    """Write a new key (mode 0600); returns its key ID (`ed25519:a_XXXX`)."""
    key = nacl.signing.SigningKey.generate()
    version = "a_" + random_string(4)
    seed = base64.b64encode(bytes(key)).decode().rstrip("=")
    path.write_text(f"ed25519 {version} {seed}\n")
    path.chmod(0o600)
    return f"ed25519:{version}"
