"""SQL for cross-signing keys and the signatures uploaded for them and for devices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from closedserver.storage.database import Database

# signatures as in signed JSON: {signer_user_id: {signer_key_id: signature}}
Signatures = dict[str, dict[str, str]]


class CrossSigningStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # the keys

    def get_key(self, user_id: str, usage: str) -> tuple[str, dict[str, Any]] | None:
        """(public key, signed key object) of the user's key for `usage`, if any."""
        row = self.db.conn.execute(
            "SELECT public_key, key_json FROM cross_signing_keys WHERE user_id = ? "
            "AND usage = ?", (user_id, usage)).fetchone()
        return (row[0], orjson.loads(row[1])) if row else None

    def list_keys(self, user_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
        rows = self.db.conn.execute(
            "SELECT usage, public_key, key_json FROM cross_signing_keys WHERE user_id = ?",
            (user_id,))
        return {row[0]: (row[1], orjson.loads(row[2])) for row in rows}

    def is_public_key(self, user_id: str, public_key: str) -> bool:
        """Is `public_key` one of the user's cross-signing public keys?"""
        return self.db.conn.execute(
            "SELECT 1 FROM cross_signing_keys WHERE user_id = ? AND public_key = ?",
            (user_id, public_key)).fetchone() is not None

    def upsert_key(self, user_id: str, usage: str, public_key: str,
                   signed: dict[str, Any]) -> None:
        self.db.conn.execute(
            "INSERT INTO cross_signing_keys (user_id, usage, public_key, key_json) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, usage) DO UPDATE SET "
            "public_key = excluded.public_key, key_json = excluded.key_json",
            (user_id, usage, public_key, orjson.dumps(signed).decode()))

    # signatures on devices (by the owner's self-signing key)

    def upsert_device_signature(self, user_id: str, device_id: str, signer_key_id: str,
                                signature: str) -> None:
        self.db.conn.execute(
            "INSERT OR REPLACE INTO device_signatures "
            "(user_id, device_id, signer_key_id, signature) VALUES (?, ?, ?, ?)",
            (user_id, device_id, signer_key_id, signature))

    def list_device_signatures(self, user_id: str) -> dict[str, dict[str, str]]:
        """{device_id: {signer_key_id: signature}} for the user's devices."""
        signatures: dict[str, dict[str, str]] = {}
        rows = self.db.conn.execute(
            "SELECT device_id, signer_key_id, signature FROM device_signatures "
            "WHERE user_id = ?", (user_id,))
        for device_id, key_id, signature in rows:
            signatures.setdefault(device_id, {})[key_id] = signature
        return signatures

    def delete_device_signatures_by(self, user_id: str, signer_key_id: str) -> None:
        self.db.conn.execute(
            "DELETE FROM device_signatures WHERE user_id = ? AND signer_key_id = ?",
            (user_id, signer_key_id))

    # signatures on master keys (by the owner's devices or other users' user-signing keys)

    def upsert_master_key_signature(self, user_id: str, public_key: str, signer_user_id: str,
                                    signer_key_id: str, signature: str) -> None:
        self.db.conn.execute(
            "INSERT OR REPLACE INTO master_key_signatures (user_id, public_key, "
            "signer_user_id, signer_key_id, signature) VALUES (?, ?, ?, ?, ?)",
            (user_id, public_key, signer_user_id, signer_key_id, signature))

    def list_master_key_signatures(self, user_id: str, public_key: str,
                                   signer_user_ids: Iterable[str]) -> Signatures:
        signers = sorted(set(signer_user_ids))
        marks = ", ".join("?" * len(signers))
        rows = self.db.conn.execute(
            "SELECT signer_user_id, signer_key_id, signature FROM master_key_signatures "
            f"WHERE user_id = ? AND public_key = ? AND signer_user_id IN ({marks})",
            (user_id, public_key, *signers))
        signatures: Signatures = {}
        for signer_user_id, key_id, signature in rows:
            signatures.setdefault(signer_user_id, {})[key_id] = signature
        return signatures

    def delete_master_key_signatures_on(self, user_id: str, public_key: str) -> None:
        self.db.conn.execute(
            "DELETE FROM master_key_signatures WHERE user_id = ? AND public_key = ?",
            (user_id, public_key))

    def delete_master_key_signatures_by(self, signer_user_id: str, signer_key_id: str) -> None:
        self.db.conn.execute(
            "DELETE FROM master_key_signatures WHERE signer_user_id = ? AND signer_key_id = ?",
            (signer_user_id, signer_key_id))
