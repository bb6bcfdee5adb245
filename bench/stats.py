"""Percentiles and latency summaries for the samples a scenario collects."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile (0..1) of `samples`, by linear interpolation.

    Linear interpolation between the two closest ranks (numpy's default method), so
    p50 of an even-sized list is the mean of its two middle values.
    """
    if not samples:
        raise ValueError("percentile of no samples")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, got {fraction}")
    ordered = sorted(samples)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    weight = position - lower
    return ordered[lower] + (ordered[upper] - ordered[lower]) * weight


@dataclass(frozen=True)
class LatencySummary:
    """The usual description of a latency series, in the samples' own unit."""

    count: int
    mean: float
    p50: float
    p95: float
    p99: float
    maximum: float


def summarize(samples: Sequence[float]) -> LatencySummary:
    """Count, mean, p50/p95/p99 and maximum of a non-empty series."""
    if not samples:
        raise ValueError("summary of no samples")
    return LatencySummary(
        count=len(samples),
        mean=sum(samples) / len(samples),
        p50=percentile(samples, 0.50),
        p95=percentile(samples, 0.95),
        p99=percentile(samples, 0.99),
        maximum=max(samples),
    )
