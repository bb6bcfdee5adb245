"""Appending one run to bench/RESULTS.md: when, where, which versions, the table, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

HEADER = """# Benchmark results

Appended by `make bench` / `python -m bench.run`, newest last. How to read a table:
bench/README.md. Ratios are closedserver / Synapse from the same run.
"""


@dataclass
class RunRecord:
    when: str
    machine: str
    load: str
    versions: dict[str, str]
    options: str
    table: str
    notes: list[str] = field(default_factory=list)
    profile: str | None = None


def format_section(record: RunRecord) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in record.versions.items())
    lines = [f"## {record.when}", "", f"- machine: {record.machine}",
             f"- load average at the end: {record.load}", f"- versions: {versions}",
             f"- options: {record.options}", "", record.table, ""]
    if record.notes:
        lines += ["Notes:", "", *(f"- {note}" for note in record.notes), ""]
    if record.profile:
        lines += ["Profile:", "", "```", record.profile, "```", ""]
    return "\n".join(lines)


def append_run(path: Path, record: RunRecord) -> None:
    existing = path.read_text() if path.exists() else HEADER
    path.write_text(existing.rstrip("\n") + "\n\n" + format_section(record))
