"""In-memory token-bucket rate limits (spec: 429 M_LIMIT_EXCEEDED with retry_after_ms)."""

from __future__ import annotations

import math
import time

from closedserver.config import Rate
from closedserver.errors import LimitExceeded

_MAX_KEYS = 100_000


class RateLimiter:
    """One limiter per kind of action; keys are addresses or user IDs."""

    def __init__(self, rate: Rate | None) -> None:
        self.rate = rate
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)

    def check(self, key: str) -> None:
        """Take one token for `key` or raise LimitExceeded."""
        if self.rate is None:
            return
        now = time.monotonic()
        refill_per_s = self.rate.burst / self.rate.period_s
        tokens, last = self._buckets.get(key, (float(self.rate.burst), now))
        tokens = min(float(self.rate.burst), tokens + (now - last) * refill_per_s)
        if tokens < 1.0:
            wait_ms = math.ceil((1.0 - tokens) / refill_per_s * 1000)
            raise LimitExceeded(wait_ms)
        if len(self._buckets) > _MAX_KEYS:
            self._buckets.clear()
        self._buckets[key] = (tokens - 1.0, now)
