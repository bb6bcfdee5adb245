"""Wall-clock time in the units Matrix uses (milliseconds since the epoch)."""

import time


def now_ms() -> int:
    return int(time.time() * 1000)
