"""Percentiles and summaries of the load generator (bench/stats.py)."""

import pytest

from bench.stats import percentile, summarize


def test_percentile_of_one_sample_is_that_sample():
    assert percentile([7.0], 0.5) == 7.0
    assert percentile([7.0], 0.99) == 7.0


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert percentile([4.0, 1.0, 3.0, 2.0], 0.5) == 2.5


def test_percentile_interpolates_between_ranks():
    samples = list(range(1, 101))  # 1..100
    assert percentile(samples, 0.95) == pytest.approx(95.05)
    assert percentile(samples, 0.99) == pytest.approx(99.01)


def test_extreme_fractions_are_minimum_and_maximum():
    samples = [5.0, 9.0, 1.0]
    assert percentile(samples, 0.0) == 1.0
    assert percentile(samples, 1.0) == 9.0


def test_percentile_does_not_reorder_the_callers_list():
    samples = [3.0, 1.0, 2.0]
    percentile(samples, 0.5)
    assert samples == [3.0, 1.0, 2.0]


def test_percentile_refuses_no_samples_and_bad_fractions():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 95)


def test_summary_reports_count_mean_percentiles_and_maximum():
    summary = summarize([10.0, 20.0, 30.0, 40.0, 1000.0])
    assert summary.count == 5
    assert summary.mean == 220.0
    assert summary.p50 == 30.0
    assert summary.p95 == pytest.approx(808.0)
    assert summary.maximum == 1000.0
