"""Database maintenance for the admin: integrity and foreign key checks, VACUUM."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.backup import database_bytes
from closedserver.storage.database import Database
from closedserver.storage.server_stats import ServerStatsStore


@dataclass(frozen=True)
class CheckResult:
    integrity: list[str]
    foreign_keys: list[str]

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.foreign_keys


class DatabaseMaintenance:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = ServerStatsStore(db)

    def check(self) -> CheckResult:
        """PRAGMA integrity_check and foreign_key_check (read-only; safe while serving)."""
        with self.db.snapshot():
            return CheckResult(self.store.integrity_problems(),
                               self.store.foreign_key_problems())

    def vacuum(self) -> tuple[int, int]:
        """Rebuild the file to reclaim free pages; returns (bytes before, bytes after)."""
        before = database_bytes(self.db.path)
        self.store.vacuum()
        self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return before, database_bytes(self.db.path)
