"""POST /keys/signatures/upload: checking and storing cross-signing signatures.

Spec: end-to-end encryption module, "Cross-signing"; the signed object must be the key
already stored for the key ID (apart from `signatures`), and each new signature must verify
against the key it names. Three kinds are accepted, as the spec's diagram shows:
- the user's self-signing key signs one of the user's own devices;
- the user's own devices sign the user's master key;
- the user's user-signing key signs another (local) user's master key.
Each failed key is reported in `failures[user_id][key_id]` and the others are stored.
"""

from __future__ import annotations

from typing import Any

from closedserver.errors import BadJson, Forbidden, MatrixError, NotFound
from closedserver.matrix.signing import ED25519
from closedserver.services.e2ee.errors import InvalidSignature
from closedserver.services.e2ee.signatures import (
    same_signed_content,
    signature_of,
    verify_signature,
)
from closedserver.services.e2ee.validation import server_of
from closedserver.storage.cross_signing import CrossSigningStore
from closedserver.storage.keys import DeviceKeysStore

Failures = dict[str, dict[str, dict[str, Any]]]


class SignatureUpload:
    """One request's worth of signature checks; call `apply` inside a write transaction."""

    def __init__(self, requester: str, server_name: str, store: CrossSigningStore,
                 device_keys: DeviceKeysStore) -> None:
        self.requester = requester
        self.server_name = server_name
        self.store = store
        self.device_keys = device_keys
        self.failures: Failures = {}
        self.changed_users: set[str] = set()

    def apply(self, body: dict[str, Any]) -> Failures:
        for user_id, signed_keys in body.items():
            if not isinstance(signed_keys, dict):
                raise BadJson(f"'{user_id}' must map key IDs to signed objects")
            for key_id, signed in signed_keys.items():
                try:
                    self._apply_one(user_id, key_id, signed)
                except MatrixError as failure:
                    self.failures.setdefault(user_id, {})[key_id] = failure.to_json()
        return self.failures

    def _apply_one(self, user_id: str, key_id: str, signed: Any) -> None:
        if not isinstance(signed, dict):
            raise BadJson("A signed key must be an object")
        if server_of(user_id) != self.server_name:
            raise Forbidden("This server does not federate: signatures of remote users' keys "
                            "cannot be published")
        if user_id != self.requester:
            self._sign_other_users_master_key(user_id, key_id, signed)
            return
        master = self.store.get_key(user_id, "master")
        if master is not None and key_id == master[0]:
            self._sign_own_master_key(master[0], master[1], signed)
        else:
            self._sign_own_device(key_id, signed)

    def _sign_own_device(self, device_id: str, signed: dict[str, Any]) -> None:
        stored = self.device_keys.get_device_keys(self.requester, device_id)
        if stored is None:
            raise NotFound(f"No device or key {device_id}")
        self_signing = self.store.get_key(self.requester, "self_signing")
        if self_signing is None:
            raise InvalidSignature("You have no self-signing key to sign devices with")
        signer_key_id = f"{ED25519}:{self_signing[0]}"
        signature = self._verified(stored, signed, self.requester, signer_key_id,
                                   self_signing[0])
        self.store.upsert_device_signature(self.requester, device_id, signer_key_id, signature)
        self.changed_users.add(self.requester)

    def _sign_own_master_key(self, public_key: str, stored: dict[str, Any],
                             signed: dict[str, Any]) -> None:
        """Devices of the user vouch for the user's master key."""
        if not same_signed_content(stored, signed):
            raise InvalidSignature("The signed object is not the stored master key")
        signatures = signed.get("signatures")
        mine = signatures.get(self.requester) if isinstance(signatures, dict) else None
        verified = {}  # all checked before any is stored
        for key_id in mine if isinstance(mine, dict) else {}:
            algorithm, _, device_id = key_id.partition(":")
            device = self.device_keys.get_device_keys(self.requester, device_id)
            device_key = (device or {}).get("keys", {}).get(key_id)
            if algorithm == ED25519 and device_key is not None:
                verified[key_id] = self._verified(stored, signed, self.requester, key_id,
                                                  device_key)
        if not verified:
            raise InvalidSignature("No signature by one of your devices on your master key")
        for key_id, signature in verified.items():
            self.store.upsert_master_key_signature(
                self.requester, public_key, self.requester, key_id, signature)
        self.changed_users.add(self.requester)

    def _sign_other_users_master_key(self, user_id: str, key_id: str,
                                     signed: dict[str, Any]) -> None:
        master = self.store.get_key(user_id, "master")
        if master is None or master[0] != key_id:
            raise NotFound(f"{key_id} is not the master key of {user_id}")
        user_signing = self.store.get_key(self.requester, "user_signing")
        if user_signing is None:
            raise InvalidSignature("You have no user-signing key to sign other users with")
        signer_key_id = f"{ED25519}:{user_signing[0]}"
        signature = self._verified(master[1], signed, self.requester, signer_key_id,
                                   user_signing[0])
        self.store.upsert_master_key_signature(
            user_id, master[0], self.requester, signer_key_id, signature)
        # Only the signer may see this signature, but a change of `user_id` is what makes
        # the signer's other devices query `user_id` again (others re-query harmlessly).
        self.changed_users.add(user_id)

    @staticmethod
    def _verified(stored: dict[str, Any], signed: dict[str, Any], signer_user_id: str,
                  signer_key_id: str, public_key: str) -> str:
        """The new signature, once the object matches the stored key and it verifies."""
        if not same_signed_content(stored, signed):
            raise InvalidSignature("The signed object is not the stored key")
        signature = signature_of(signed, signer_user_id, signer_key_id)
        if signature is None:
            raise InvalidSignature(f"No signature by {signer_key_id}")
        if not verify_signature(signed, signer_user_id, signer_key_id, public_key):
            raise InvalidSignature("Invalid signature")
        return signature
