"""The results table: each figure for each server, the ratio, and the issue's target.

A target says how many times better closedserver must be than Synapse: for a figure
where lower is better (latency, CPU, memory) that is Synapse ÷ closedserver, for one
where higher is better (messages/s) closedserver ÷ Synapse. The printed ratio is always
closedserver ÷ Synapse, so 0.125 reads "an eighth of Synapse's".
"""

from __future__ import annotations

from dataclasses import dataclass, field

REFERENCE = "synapse"
CHALLENGER = "closedserver"


@dataclass(frozen=True)
class Metric:
    """One row of the table."""

    key: str
    label: str
    unit: str
    lower_is_better: bool = True
    target: float | None = None


@dataclass
class Report:
    """Figures per server, in the order the metrics were declared."""

    servers: list[str]
    metrics: list[Metric] = field(default_factory=list)
    values: dict[str, dict[str, float | None]] = field(default_factory=dict)

    def declare(self, metric: Metric) -> None:
        if all(known.key != metric.key for known in self.metrics):
            self.metrics.append(metric)

    def record(self, server: str, metric: Metric, value: float | None) -> None:
        self.declare(metric)
        self.values.setdefault(server, {})[metric.key] = value

    def value(self, server: str, key: str) -> float | None:
        return self.values.get(server, {}).get(key)


def ratio(challenger: float | None, reference: float | None) -> float | None:
    if challenger is None or reference is None or reference == 0:
        return None
    return challenger / reference


def advantage(metric: Metric, challenger: float | None, reference: float | None) -> float | None:
    """How many times better the challenger is (above 1 means better)."""
    if challenger is None or reference is None:
        return None
    better, worse = (reference, challenger) if metric.lower_is_better else (challenger, reference)
    if worse == 0:
        return None
    return better / worse


def target_met(metric: Metric, challenger: float | None, reference: float | None) -> bool | None:
    gain = advantage(metric, challenger, reference)
    if metric.target is None or gain is None:
        return None
    return gain >= metric.target


def format_value(value: float | None) -> str:
    """Three significant figures, without scientific notation for everyday sizes."""
    if value is None:
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1 or magnitude == 0:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    if 0 < value < 1:
        return f"{value:.3g} (1/{1 / value:.3g})"
    return f"{value:.3g}"


def format_target(metric: Metric) -> str:
    if metric.target is None:
        return ""
    if metric.lower_is_better:
        return f"<= 1/{metric.target:g}"
    return f">= {metric.target:g}x"


def format_met(met: bool | None, metric: Metric, gain: float | None) -> str:
    if met is None:
        return ""
    if met:
        return "yes"
    assert metric.target is not None and gain is not None
    return f"no ({gain:.2g}x of {metric.target:g}x)"


def table_rows(report: Report) -> list[list[str]]:
    both = REFERENCE in report.servers and CHALLENGER in report.servers
    header = ["figure", "unit", *report.servers]
    if both:
        header += [f"{CHALLENGER} / {REFERENCE}", "target", "met"]
    rows = [header]
    for metric in report.metrics:
        row = [metric.label, metric.unit]
        row += [format_value(report.value(server, metric.key)) for server in report.servers]
        if both:
            challenger = report.value(CHALLENGER, metric.key)
            reference = report.value(REFERENCE, metric.key)
            gain = advantage(metric, challenger, reference)
            met = target_met(metric, challenger, reference)
            row += [format_ratio(ratio(challenger, reference)), format_target(metric),
                    format_met(met, metric, gain)]
        rows.append(row)
    return rows


def format_table(report: Report) -> str:
    """A Markdown table whose columns line up, so it reads in a terminal too."""
    rows = table_rows(report)
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]

    def line(cells: list[str]) -> str:
        padded = [cell.ljust(width) if index < 2 else cell.rjust(width)
                  for index, (cell, width) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])
