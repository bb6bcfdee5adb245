"""SQL for content reports (table reports): filed by users, read by the admin."""

from __future__ import annotations

from dataclasses import dataclass

from closedserver.storage.database import Database

REPORT_COLUMNS = "id, room_id, event_id, target_user_id, reporter, reason, score, created_ts"


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: int
    room_id: str | None
    event_id: str | None
    target_user_id: str | None
    reporter: str
    reason: str | None
    score: int | None
    created_ts: int


class ReportsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_reports(self) -> list[ReportRow]:
        """Every report, newest first."""
        return [ReportRow(*row) for row in self.db.conn.execute(
            f"SELECT {REPORT_COLUMNS} FROM reports ORDER BY id DESC")]

    def get_report(self, report_id: int) -> ReportRow | None:
        row = self.db.conn.execute(f"SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?",
                                   (report_id,)).fetchone()
        return ReportRow(*row) if row else None

    def insert_report(self, *, room_id: str | None, event_id: str | None,
                      target_user_id: str | None, reporter: str, reason: str | None,
                      score: int | None, created_ts: int) -> int:
        cur = self.db.conn.execute(
            "INSERT INTO reports (room_id, event_id, target_user_id, reporter, reason, score, "
            "created_ts) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (room_id, event_id, target_user_id, reporter, reason, score, created_ts))
        return cur.lastrowid
