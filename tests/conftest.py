"""Shared fixtures: one real server per test session, plus servers with special configs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import UserClient, register
from tests.server import RunningServer, init_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """The shared server: open registration, no rate limits. Tests must not break it."""
    running = init_server(tmp_path_factory.mktemp("shared") / "data")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[Callable[..., RunningServer]]:
    """Start a private server with config overrides, e.g. make_server(registration_mode="token")."""
    started: list[RunningServer] = []

    def make(**overrides: str) -> RunningServer:
        running = init_server(tmp_path / f"data{len(started)}", **overrides)
        running.start()
        started.append(running)
        return running

    yield make
    for running in started:
        running.stop()


@pytest.fixture
def alice(server: RunningServer) -> UserClient:
    return register(server.url)


@pytest.fixture
def bob(server: RunningServer) -> UserClient:
    return register(server.url)
