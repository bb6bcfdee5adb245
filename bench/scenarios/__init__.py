"""The scenarios, each in its own module; ALL lists them in the order they run."""

from __future__ import annotations

from bench.scenarios.base import Scenario
from bench.scenarios.fanout import FanOut
from bench.scenarios.initial_sync import EmptySync, InitialSync
from bench.scenarios.pagination import Pagination
from bench.scenarios.register import RegisterLogin
from bench.scenarios.send import SendThroughput

ALL: tuple[Scenario, ...] = (
    RegisterLogin(),
    SendThroughput(rooms="one"),
    SendThroughput(rooms="many"),
    FanOut(),
    InitialSync(lazy=False),
    InitialSync(lazy=True),
    EmptySync(),
    Pagination(),
)

BY_NAME = {scenario.name: scenario for scenario in ALL}
