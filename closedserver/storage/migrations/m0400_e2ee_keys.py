"""Migration 0400_e2ee_keys: End-to-end encryption: device, one-time, fallback and cross-signing
keys, signatures, to-device messages, key backups, device-list changes.
"""

from __future__ import annotations

import sqlite3

from closedserver.storage.e2ee_schema import E2EE_KEYS_SCHEMA
from closedserver.storage.migrations.script import execute_script


def migrate(conn: sqlite3.Connection) -> None:
    execute_script(conn, E2EE_KEYS_SCHEMA)
