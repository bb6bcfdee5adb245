"""Reading the content reports users filed (spec: "Reporting content": events, rooms and
users), for the admin. The report endpoints write them; this only reads."""

from __future__ import annotations

from typing import Any

from closedserver.errors import NotFound
from closedserver.services.event_cache import EventCache
from closedserver.storage.reports import ReportRow, ReportsStore


class ReportReader:
    def __init__(self, events: EventCache) -> None:
        self.events = events
        self.store = ReportsStore(events.store.db)

    def list_reports(self) -> list[dict[str, Any]]:
        """Every report, newest first."""
        return [_report_json(row) for row in self.store.list_reports()]

    def get(self, report_id: int) -> dict[str, Any]:
        """One report, with the reported event when the server still has it."""
        row = self.store.get_report(report_id)
        if row is None:
            raise NotFound(f"No report with ID {report_id}")
        report = _report_json(row)
        stored = self.events.get(row.event_id) if row.event_id else None
        report["event"] = None if stored is None else {
            "type": stored.event.type, "sender": stored.event.sender,
            "origin_server_ts": stored.event.origin_server_ts,
            "content": dict(stored.event.content), "redacted": stored.redacted_by is not None}
        return report


def _report_json(row: ReportRow) -> dict[str, Any]:
    kind = "event" if row.event_id else "user" if row.target_user_id else "room"
    return {"id": row.id, "kind": kind, "room_id": row.room_id, "event_id": row.event_id,
            "target_user_id": row.target_user_id, "reporter": row.reporter,
            "reason": row.reason, "score": row.score, "created_ts": row.created_ts}
