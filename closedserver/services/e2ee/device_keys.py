"""Device keys, one-time keys and fallback keys: /keys/upload, /keys/query, /keys/claim,
and the per-device counts /sync reports.

Spec: end-to-end encryption module, "Key Distribution" (device keys, one-time and fallback
keys, uploading keys) and the Key management API. This server does not federate, so a
query or claim naming a remote user gets a `failures` entry for that server.
"""

from __future__ import annotations

from typing import Any

from closedserver.errors import BadJson, InvalidParam
from closedserver.services.e2ee.cross_signing import CrossSigning, with_signatures
from closedserver.services.e2ee.device_lists import DeviceLists
from closedserver.services.e2ee.validation import check_device_keys, check_key_map, server_of
from closedserver.storage.database import Database
from closedserver.storage.keys import DeviceKeysStore

# Reported for each remote server named in a query or claim.
NOT_FEDERATING = {"status": 503, "message": "This server does not federate"}
# Counted even when zero: some clients only top up keys of an algorithm they see listed.
ALWAYS_COUNTED = "signed_curve25519"


class DeviceKeys:
    def __init__(self, db: Database, server_name: str, device_lists: DeviceLists,
                 cross_signing: CrossSigning) -> None:
        self.db = db
        self.server_name = server_name
        self.device_lists = device_lists
        self.cross_signing = cross_signing
        self.store = DeviceKeysStore(db)

    # what /sync reports for the syncing device

    def one_time_key_counts(self, user_id: str, device_id: str) -> dict[str, int]:
        """{algorithm: unclaimed one-time keys} (`device_one_time_keys_count` in /sync)."""
        return {ALWAYS_COUNTED: 0, **self.store.count_one_time_keys(user_id, device_id)}

    def unused_fallback_key_types(self, user_id: str, device_id: str) -> list[str]:
        """Algorithms whose fallback key has not been claimed since it was uploaded."""
        return self.store.list_unused_fallback_algorithms(user_id, device_id)

    # POST /keys/upload

    def upload(self, user_id: str, device_id: str, *, device_keys: Any = None,
               one_time_keys: Any = None, fallback_keys: Any = None) -> dict[str, int]:
        """Store the device's keys; returns its one-time key counts."""
        identity = None if device_keys is None else check_device_keys(
            device_keys, user_id, device_id)
        one_time = [] if one_time_keys is None else check_key_map(one_time_keys,
                                                                  "one_time_keys")
        fallback = [] if fallback_keys is None else check_key_map(fallback_keys,
                                                                  "fallback_keys")
        algorithms = [algorithm for algorithm, _, _ in fallback]
        if len(set(algorithms)) != len(algorithms):
            raise InvalidParam("At most one fallback key per algorithm")
        with self.db.transaction():
            if identity is not None and self._store_device_keys(user_id, device_id, identity):
                self.device_lists.note_device_change(user_id)
            self._store_one_time_keys(user_id, device_id, one_time)
            for algorithm, key_id, key in fallback:
                if self.store.get_fallback_key(user_id, device_id, algorithm) != (key_id, key):
                    self.store.upsert_fallback_key(user_id, device_id, algorithm, key_id, key)
            return self.one_time_key_counts(user_id, device_id)

    def _store_device_keys(self, user_id: str, device_id: str,
                           identity: dict[str, Any]) -> bool:
        """Store the device keys; True when they changed. Identity keys are for life."""
        stored = self.store.get_device_keys(user_id, device_id)
        if stored == identity:
            return False
        if stored is not None and stored.get("keys") != identity["keys"]:
            raise InvalidParam("This device already has different identity keys; they "
                               "cannot be replaced (log in as a new device instead)")
        self.store.upsert_device_keys(user_id, device_id, identity)
        return True

    def _store_one_time_keys(self, user_id: str, device_id: str,
                             keys: list[tuple[str, str, Any]]) -> None:
        for algorithm, key_id, key in keys:
            stored = self.store.get_one_time_key(user_id, device_id, algorithm, key_id)
            if stored is not None and stored != key:
                raise InvalidParam(f"One-time key {algorithm}:{key_id} already exists with "
                                   "different content")
        self.store.insert_one_time_keys(user_id, device_id, keys)

    # POST /keys/query

    def query(self, requester: str, wanted: Any) -> dict[str, Any]:
        """Device keys and cross-signing keys of the users in `wanted` ({user: [devices]})."""
        wanted = _user_map(wanted, "device_keys", list)
        result: dict[str, Any] = {"device_keys": {}, "failures": {}, "master_keys": {},
                                  "self_signing_keys": {}, "user_signing_keys": {}}
        with self.db.snapshot():
            for user_id, device_ids in wanted.items():
                server = server_of(user_id)
                if server != self.server_name:
                    result["failures"][server] = NOT_FEDERATING
                    continue
                result["device_keys"][user_id] = self._devices_of(user_id, device_ids)
                for usage, key in self.cross_signing.keys_seen_by(requester, user_id).items():
                    result[f"{usage}_keys"][user_id] = key
        return result

    def _devices_of(self, user_id: str, device_ids: list[Any]) -> dict[str, Any]:
        wanted = set(device_ids)
        signatures = self.cross_signing.device_signatures(user_id)
        devices = {}
        for stored in self.store.list_device_keys(user_id):
            if wanted and stored.device_id not in wanted:
                continue
            extra = signatures.get(stored.device_id)
            keys = with_signatures(stored.keys, {user_id: extra}) if extra else stored.keys
            if stored.display_name is not None:
                keys = {**keys, "unsigned": {"device_display_name": stored.display_name}}
            devices[stored.device_id] = keys
        return devices

    # POST /keys/claim

    def claim(self, wanted: Any) -> dict[str, Any]:
        """Hand out one key per (user, device, algorithm): the oldest one-time key, else the
        fallback key (kept, and flagged as used). Each one-time key goes out exactly once:
        taking it is a DELETE inside one write transaction.
        """
        wanted = _user_map(wanted, "one_time_keys", dict)
        result: dict[str, Any] = {"one_time_keys": {}, "failures": {}}
        with self.db.transaction():
            for user_id, devices in wanted.items():
                server = server_of(user_id)
                if server != self.server_name:
                    result["failures"][server] = NOT_FEDERATING
                    continue
                for device_id, algorithm in devices.items():
                    if not isinstance(algorithm, str):
                        raise BadJson("'one_time_keys' must map devices to algorithm names")
                    key = (self.store.delete_oldest_one_time_key(user_id, device_id, algorithm)
                           or self.store.mark_fallback_key_used(user_id, device_id, algorithm))
                    if key is not None:
                        claimed = result["one_time_keys"].setdefault(user_id, {})
                        claimed[device_id] = {key.key_id: key.key}
        return result


def _user_map(value: Any, name: str, kind: type) -> dict[str, Any]:
    """`{user_id: [device IDs]}` (kind list) or `{user_id: {...}}` (kind dict), or 400."""
    ok = isinstance(value, dict) and all(isinstance(v, kind) for v in value.values())
    if ok and kind is list:
        ok = all(isinstance(d, str) for v in value.values() for d in v)
    if not ok:
        what = "arrays of device IDs" if kind is list else "objects"
        raise BadJson(f"'{name}' must map user IDs to {what}")
    return value
