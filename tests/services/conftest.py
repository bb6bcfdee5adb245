"""Service-level fixtures: the services of the shared server, built on its data dir."""

from collections.abc import Iterator

import pytest

from closedserver.config import load_config
from closedserver.homeserver import HomeServer, build_homeserver


@pytest.fixture
def hs(server) -> Iterator[HomeServer]:
    """The same services the running server uses, on the same SQLite file (like the CLI)."""
    homeserver = build_homeserver(load_config(server.data_dir))
    yield homeserver
    homeserver.close()
