"""Cross-signing keys: uploading a user's master, self-signing and user-signing keys, and
showing them (with the signatures each viewer may see) in /keys/query.

Spec: end-to-end encryption module, "Cross-signing" and "Key and signature security";
POST /keys/device_signing/upload. Signatures uploaded later through
/keys/signatures/upload are in signature_upload.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from closedserver.errors import Forbidden, MissingParam
from closedserver.services.e2ee.device_lists import DeviceLists
from closedserver.services.e2ee.errors import InvalidSignature
from closedserver.services.e2ee.signature_upload import Failures, SignatureUpload
from closedserver.services.e2ee.signatures import verify_signature
from closedserver.services.e2ee.validation import (
    CROSS_SIGNING_USAGES,
    CrossSigningKey,
    check_cross_signing_key,
)
from closedserver.storage.accounts import AccountsStore
from closedserver.storage.cross_signing import CrossSigningStore
from closedserver.storage.database import Database
from closedserver.storage.keys import DeviceKeysStore


@dataclass
class CrossSigningUpload:
    """A checked POST /keys/device_signing/upload: the keys it carries, by usage."""

    keys: dict[str, CrossSigningKey] = field(default_factory=dict)


class CrossSigning:
    def __init__(self, db: Database, server_name: str, device_lists: DeviceLists) -> None:
        self.db = db
        self.server_name = server_name
        self.device_lists = device_lists
        self.store = CrossSigningStore(db)
        self.accounts = AccountsStore(db)

    # uploading keys

    def check_upload(self, user_id: str, body: dict[str, Any]) -> CrossSigningUpload:
        """Validate an upload: shapes, key IDs free, self/user-signing keys signed by master.

        Spec errors: 400 M_MISSING_PARAM (no master key available), 400 M_INVALID_SIGNATURE
        (not signed by the master key), 403 M_FORBIDDEN (a public key equals a device ID).
        """
        upload = CrossSigningUpload()
        for usage in CROSS_SIGNING_USAGES:
            if body.get(f"{usage}_key") is not None:
                upload.keys[usage] = check_cross_signing_key(
                    body[f"{usage}_key"], user_id, usage)
        self._refuse_device_ids(user_id, upload)
        master = upload.keys.get("master") or self._stored(user_id, "master")
        for usage in ("self_signing", "user_signing"):
            key = upload.keys.get(usage)
            if key is None:
                continue
            if master is None:
                raise MissingParam("No master signing key is available")
            if not verify_signature(key.signed, user_id, master.key_id, master.public_key):
                raise InvalidSignature(f"The {usage} key is not signed by the master key")
        return upload

    def upload_needs_auth(self, user_id: str, upload: CrossSigningUpload) -> bool:
        """UIA is needed unless the user has no master key yet, or nothing would change."""
        stored = self.store.list_keys(user_id)
        if "master" not in stored:
            return False
        return any(usage not in stored or stored[usage][1] != key.signed
                   for usage, key in upload.keys.items())

    def store_upload(self, user_id: str, upload: CrossSigningUpload) -> None:
        """Store the keys; signatures made by (or on) a replaced key are dropped."""
        with self.db.transaction():
            # Again in the write transaction: a login may have taken the ID since the check.
            self._refuse_device_ids(user_id, upload)
            changed = False
            for usage, key in upload.keys.items():
                old = self._stored(user_id, usage)
                if old is not None and old.signed == key.signed:
                    continue
                if old is not None and old.public_key != key.public_key:
                    self._forget_signatures_of(user_id, old)
                self.store.upsert_key(user_id, usage, key.public_key, key.signed)
                changed = True
            if changed:
                self.device_lists.note_device_change(user_id)

    def _refuse_device_ids(self, user_id: str, upload: CrossSigningUpload) -> None:
        """403 when a public key equals a device ID (logins refuse the reverse)."""
        for key in upload.keys.values():
            if self.accounts.get_device(user_id, key.public_key) is not None:
                raise Forbidden("Key ID in use: a cross-signing key equals one of your "
                                "device IDs")

    def _forget_signatures_of(self, user_id: str, old: CrossSigningKey) -> None:
        if old.usage == "master":
            self.store.delete_master_key_signatures_on(user_id, old.public_key)
        elif old.usage == "self_signing":
            self.store.delete_device_signatures_by(user_id, old.key_id)
        else:
            self.store.delete_master_key_signatures_by(user_id, old.key_id)

    def _stored(self, user_id: str, usage: str) -> CrossSigningKey | None:
        stored = self.store.get_key(user_id, usage)
        return CrossSigningKey(usage, stored[0], stored[1]) if stored else None

    # uploading signatures

    def upload_signatures(self, requester: str, body: dict[str, Any]) -> Failures:
        """POST /keys/signatures/upload: store the valid signatures, report the others."""
        upload = SignatureUpload(requester, self.server_name, self.store,
                                 DeviceKeysStore(self.db))
        with self.db.transaction():
            failures = upload.apply(body)
            for user_id in upload.changed_users:
                self.device_lists.note_device_change(user_id)
        return failures

    # showing keys in /keys/query

    def keys_seen_by(self, requester: str, user_id: str) -> dict[str, dict[str, Any]]:
        """{usage: key} of `user_id` as `requester` may see them.

        The user-signing key only to its owner. On the master key: signatures by the
        owner (own devices) and by the requester (their user-signing key); never those
        other users made with their user-signing keys.
        """
        keys = {}
        for usage, (public_key, signed) in self.store.list_keys(user_id).items():
            if usage == "user_signing" and requester != user_id:
                continue
            if usage == "master":
                extra = self.store.list_master_key_signatures(
                    user_id, public_key, {user_id, requester})
                signed = with_signatures(signed, extra)
            keys[usage] = signed
        return keys

    def device_signatures(self, user_id: str) -> dict[str, dict[str, str]]:
        """{device_id: {key_id: signature}} made by the user's self-signing key."""
        return self.store.list_device_signatures(user_id)


def with_signatures(signed: dict[str, Any],
                    extra: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A copy of a signed object with more signatures merged in."""
    if not extra:
        return signed
    signatures = {user: dict(sigs) for user, sigs in signed.get("signatures", {}).items()}
    for user, sigs in extra.items():
        signatures.setdefault(user, {}).update(sigs)
    return {**signed, "signatures": signatures}
