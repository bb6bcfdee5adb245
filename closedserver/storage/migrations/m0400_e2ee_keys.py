"""Migration 0400_e2ee_keys: End-to-end encryption: device, one-time, fallback and cross-signing
keys, signatures, to-device messages, key backups, device-list changes.

Everything a device owns cascades from devices(user_id, device_id), so deleting a device
deletes its keys, the signatures on it, its pending to-device messages and its to-device
transaction IDs.
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(conn, _SCHEMA)


_SCHEMA = """
CREATE TABLE device_keys (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    key_json TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
        ON DELETE CASCADE
) WITHOUT ROWID;

-- The rowid orders one-time keys by upload, the order /keys/claim hands them out in.
CREATE TABLE one_time_keys (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    key_id TEXT NOT NULL,
    key_json TEXT NOT NULL,
    UNIQUE (user_id, device_id, algorithm, key_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
        ON DELETE CASCADE
);
CREATE INDEX one_time_keys_claim ON one_time_keys(user_id, device_id, algorithm);

CREATE TABLE fallback_keys (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    algorithm TEXT NOT NULL,
    key_id TEXT NOT NULL,
    key_json TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, device_id, algorithm),
    FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
        ON DELETE CASCADE
) WITHOUT ROWID;

-- One row per change of a user's devices, device keys, cross-signing keys or signatures,
-- at a position of the global stream.
CREATE TABLE device_list_changes (
    stream_id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL
);
CREATE INDEX device_list_changes_user ON device_list_changes(user_id, stream_id);

CREATE TABLE cross_signing_keys (
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    usage TEXT NOT NULL,
    public_key TEXT NOT NULL,
    key_json TEXT NOT NULL,
    PRIMARY KEY (user_id, usage)
) WITHOUT ROWID;

-- Signatures by a user's self-signing key on that user's own devices.
CREATE TABLE device_signatures (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    signer_key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, signer_key_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
        ON DELETE CASCADE
) WITHOUT ROWID;

-- Signatures on master keys: by the owner's own devices, or by another user's
-- user-signing key (which only that signer may see).
CREATE TABLE master_key_signatures (
    user_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signer_user_id TEXT NOT NULL,
    signer_key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (user_id, public_key, signer_user_id, signer_key_id)
) WITHOUT ROWID;
CREATE INDEX master_key_signatures_signer
    ON master_key_signatures(signer_user_id, signer_key_id);

-- Pending to-device messages: each device's inbox in stream order. One request writes at
-- most one message per device, all at the request's stream position.
CREATE TABLE to_device_messages (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    stream_id INTEGER NOT NULL,
    sender TEXT NOT NULL,
    type TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id, stream_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
        ON DELETE CASCADE
) WITHOUT ROWID;

-- Transaction IDs of /sendToDevice requests already handled, per sending device.
CREATE TABLE to_device_txns (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    created_ts INTEGER NOT NULL,
    PRIMARY KEY (user_id, device_id, txn_id),
    FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
        ON DELETE CASCADE
) WITHOUT ROWID;

-- Key backup versions are never reused: a deleted version keeps its row, flagged.
CREATE TABLE room_key_backups (
    user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    algorithm TEXT NOT NULL,
    auth_data TEXT NOT NULL,
    etag INTEGER NOT NULL DEFAULT 0,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, version)
) WITHOUT ROWID;

CREATE TABLE room_key_backup_sessions (
    user_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    room_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    first_message_index INTEGER NOT NULL,
    forwarded_count INTEGER NOT NULL,
    is_verified INTEGER NOT NULL,
    session_data TEXT NOT NULL,
    PRIMARY KEY (user_id, version, room_id, session_id),
    FOREIGN KEY (user_id, version) REFERENCES room_key_backups(user_id, version)
        ON DELETE CASCADE
) WITHOUT ROWID;
"""
