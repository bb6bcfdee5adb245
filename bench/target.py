"""One homeserver under test, as the scenarios see it: a client, users, and its costs.

When the bench started the server itself it knows the process (for CPU and memory
from /proc) and the data dir (for database size); against a bare --url these are
unknown unless given, and the figures that need them read "n/a".
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import procstat
from bench.client import MatrixClient
from bench.tokens import Account
from bench.users import UserFactory


@dataclass
class Target:
    name: str
    url: str
    client: MatrixClient
    users: UserFactory
    pid: int | None = None
    data_dir: Path | None = None
    fixtures: dict[str, Any] = field(default_factory=dict)
    pool: list[Account] = field(default_factory=list)
    _pool_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def cpu_seconds(self) -> float | None:
        return procstat.tree_cpu_seconds(self.pid) if self.pid else None

    def rss_mib(self) -> float | None:
        return procstat.tree_rss_mib(self.pid) if self.pid else None

    def db_bytes(self) -> int | None:
        return procstat.database_bytes(self.data_dir) if self.data_dir else None

    async def accounts(self, count: int) -> list[Account]:
        """The first `count` users of this target's shared pool, registering as needed."""
        async with self._pool_lock:
            missing = count - len(self.pool)
            if missing > 0:
                self.pool.extend(await self.users.create_many(missing))
            return self.pool[:count]


class CpuMeter:
    """Server CPU seconds spent between start() and stop(); None when unknown."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.before: float | None = None
        self.spent: float | None = None

    def start(self) -> None:
        self.before = self.target.cpu_seconds()

    def stop(self) -> float | None:
        after = self.target.cpu_seconds()
        if self.before is not None and after is not None:
            self.spent = after - self.before
        return self.spent
