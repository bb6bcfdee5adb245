"""Migration 0110_rooms_txn_scope: transaction IDs scoped to the request path.

Spec ("Transaction identifiers"): a request is a retransmission when its transaction ID
*and* its path are the same as an earlier one's. `scope` is the path without the
transaction ID (`send/ROOM/TYPE`, `redact/ROOM/EVENT`). Rows written before this migration
get the scope of a send: a /redact retransmitted across the upgrade is sent again (a second,
harmless redaction); rows of purged events are dropped.
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(conn, """
    CREATE TABLE event_txn_ids_scoped (
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        txn_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        created_ts INTEGER NOT NULL,
        PRIMARY KEY (user_id, device_id, scope, txn_id)
    ) WITHOUT ROWID;
    INSERT INTO event_txn_ids_scoped
        SELECT t.user_id, t.device_id, 'send/' || e.room_id || '/' || e.type, t.txn_id,
               t.event_id, t.created_ts
        FROM event_txn_ids t JOIN events e ON e.event_id = t.event_id;
    DROP TABLE event_txn_ids;
    ALTER TABLE event_txn_ids_scoped RENAME TO event_txn_ids;
    CREATE INDEX event_txn_ids_event ON event_txn_ids(event_id);
    """)
