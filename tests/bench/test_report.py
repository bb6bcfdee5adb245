"""The results table: values, ratios, targets (bench/report.py)."""

import pytest

from bench.report import (
    Metric,
    Report,
    advantage,
    format_ratio,
    format_table,
    format_value,
    ratio,
    target_met,
)

THROUGHPUT = Metric("rate", "send throughput", "msg/s", lower_is_better=False, target=8)
CPU = Metric("cpu", "server CPU per message", "ms", target=8)
RSS = Metric("rss", "RSS after the load", "MiB")


def test_ratio_is_challenger_over_reference():
    assert ratio(30.0, 120.0) == 0.25
    assert ratio(None, 120.0) is None
    assert ratio(1.0, 0.0) is None


def test_advantage_counts_times_better_in_the_metrics_direction():
    assert advantage(THROUGHPUT, 480.0, 60.0) == 8.0
    assert advantage(CPU, 2.0, 16.0) == 8.0
    assert advantage(CPU, 32.0, 16.0) == 0.5


def test_target_is_met_only_at_or_above_its_factor():
    assert target_met(THROUGHPUT, 480.0, 60.0) is True
    assert target_met(THROUGHPUT, 479.0, 60.0) is False
    assert target_met(CPU, 2.1, 16.0) is False
    assert target_met(RSS, 10.0, 100.0) is None
    assert target_met(CPU, None, 16.0) is None


@pytest.mark.parametrize(("value", "text"), [
    (None, "n/a"), (1234.5, "1,234"), (115.2, "115"), (47.75, "47.8"), (3.372, "3.37"),
    (0.0, "0.00"), (0.01234, "0.0123"),
])
def test_values_are_shown_with_about_three_significant_figures(value, text):
    assert format_value(value) == text


def test_ratios_below_one_also_read_as_a_fraction():
    assert format_ratio(0.125) == "0.125 (1/8)"
    assert format_ratio(8.0) == "8"
    assert format_ratio(None) == "n/a"


def both_servers_report() -> Report:
    report = Report(servers=["synapse", "closedserver"])
    report.record("synapse", THROUGHPUT, 60.0)
    report.record("closedserver", THROUGHPUT, 600.0)
    report.record("synapse", CPU, 16.0)
    report.record("closedserver", CPU, 4.0)
    report.record("synapse", RSS, 124.0)
    report.record("closedserver", RSS, None)
    return report


def test_table_has_both_figures_ratio_target_and_verdict():
    lines = format_table(both_servers_report()).splitlines()
    assert [cell.strip() for cell in lines[0].strip("|").split("|")] == [
        "figure", "unit", "synapse", "closedserver", "closedserver / synapse", "target", "met"]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]
    assert cells[0] == ["send throughput", "msg/s", "60.0", "600", "10", ">= 8x", "yes"]
    assert cells[1] == ["server CPU per message", "ms", "16.0", "4.00", "0.25 (1/4)",
                        "<= 1/8", "no (4x of 8x)"]
    assert cells[2] == ["RSS after the load", "MiB", "124", "n/a", "n/a", "", ""]


def test_table_columns_line_up():
    lines = format_table(both_servers_report()).splitlines()
    assert len({len(line) for line in lines}) == 1


def test_one_server_table_has_no_ratio_columns():
    report = Report(servers=["synapse"])
    report.record("synapse", CPU, 14.4)
    header = format_table(report).splitlines()[0]
    assert "ratio" not in header and "target" not in header
    assert "14.4" in format_table(report)


def test_rows_keep_the_order_metrics_were_declared_in():
    report = Report(servers=["synapse"])
    report.declare(RSS)
    report.record("synapse", CPU, 1.0)
    report.record("synapse", RSS, 2.0)
    assert [metric.key for metric in report.metrics] == ["rss", "cpu"]
