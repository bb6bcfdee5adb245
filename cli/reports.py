"""`closedserver report ...`: the reports users filed about events, rooms and users."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import DEFAULT_DATA_DIR, DataDir, JsonOutput, open_homeserver
from cli.output import format_ts, print_fields, print_json, print_table

app = typer.Typer(help="Read content reports filed by users.", no_args_is_help=True)


@app.command("list")
def list_reports(data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """List reports, newest first.

    Example: closedserver report list --json
    """
    with open_homeserver(data_dir) as hs:
        reports = hs.admin.reports.list_reports()
    if json:
        print_json(reports)
        return
    for row in reports:
        row["created"] = format_ts(row["created_ts"])
        row["about"] = row["event_id"] or row["target_user_id"] or row["room_id"]
    print_table(reports, ["id", "created", "kind", "reporter", "about", "room_id", "reason",
                          "score"], title="reports")


@app.command("show")
def show(report_id: Annotated[int, typer.Argument(help="The report's ID.", metavar="ID")],
         data_dir: DataDir = DEFAULT_DATA_DIR, json: JsonOutput = False) -> None:
    """Show one report, with the reported event if the server still has it.

    Example: closedserver report show 12
    """
    with open_homeserver(data_dir) as hs:
        report = hs.admin.reports.get(report_id)
    if json:
        print_json(report)
        return
    event = report.pop("event")
    report["created_ts"] = format_ts(report["created_ts"])
    if event is not None:
        report["event type"] = event["type"]
        report["event sender"] = event["sender"]
        report["event sent"] = format_ts(event["origin_server_ts"])
        report["event content"] = "(redacted)" if event["redacted"] else event["content"]
    print_fields(report)
