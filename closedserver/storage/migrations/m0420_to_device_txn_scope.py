"""Migration 0420_to_device_txn_scope: to-device transaction IDs scoped to the event type.

Spec ("Transaction identifiers"): a request is a retransmission when its transaction ID
*and* its path are the same; for /sendToDevice the path differs only by the event type.
Rows written before this migration get an empty event type (they expire within a day).
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(conn, """
    CREATE TABLE to_device_txns_scoped (
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        txn_id TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        PRIMARY KEY (user_id, device_id, event_type, txn_id),
        FOREIGN KEY (user_id, device_id) REFERENCES devices(user_id, device_id)
            ON DELETE CASCADE
    ) WITHOUT ROWID;
    INSERT INTO to_device_txns_scoped
        SELECT user_id, device_id, '', txn_id, created_ts FROM to_device_txns;
    DROP TABLE to_device_txns;
    ALTER TABLE to_device_txns_scoped RENAME TO to_device_txns;
    """)
