"""Config value types and parsers: options with docs, rates, durations, sizes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class ConfigError(Exception):
    """The configuration cannot be used; the message names the key and what to do."""


def option(default: Any, doc: str) -> Any:
    """A config field with its documentation (shown in the README and `--help`)."""
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"doc": doc})
    return field(default=default, metadata={"doc": doc})


@dataclass(frozen=True)
class Rate:
    """A token-bucket rate limit: `burst` requests, refilled at `burst / period_s` per second."""

    burst: int
    period_s: float

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """Parse "10/min", "5/s", "100/hour" or "off" (None: no limit)."""
        if text == "off":
            return None
        match = re.fullmatch(r"(\d+)/(s|sec|second|min|minute|h|hour|day)", text)
        if not match or int(match.group(1)) < 1:
            raise ValueError(f'expected a rate like "10/min" or "off", got "{text}"')
        periods = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600,
                   "hour": 3600, "day": 86400}
        return cls(int(match.group(1)), float(periods[match.group(2)]))


def parse_duration_ms(text: str) -> int | None:
    """Parse "30s", "5m", "2h", "7d" into milliseconds; "off" or "" gives None."""
    if text in ("off", ""):
        return None
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d|w)", text.strip())
    if not match:
        raise ValueError(f'expected a duration like "30s", "5m", "1h", "7d", got "{text}"')
    unit_ms = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000,
               "w": 7 * 86_400_000}
    return int(match.group(1)) * unit_ms[match.group(2)]


def parse_size_bytes(text: str) -> int | None:
    """Parse "500K", "50M", "1G" (powers of 1024) or a plain byte count; "off" gives None."""
    if text == "off":
        return None
    match = re.fullmatch(r"(\d+)\s*([KMGT]?)(?:i?B)?", text.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f'expected a size like "50M", "1G" or "off", got "{text}"')
    power = " KMGT".index(match.group(2).upper() or " ")
    return int(match.group(1)) * 1024 ** power
