"""Helpers for the admin CLI tests: run a command and check it, read the database file,
and matrix-nio clients for the reads a real client makes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import nio

from tests.helpers import PASSWORD, UserClient, query_db  # noqa: F401 (re-exported)
from tests.server import RunningServer


def cli_ok(server: RunningServer, *args: str) -> str:
    """Run an admin command that must succeed; returns its stdout."""
    result = server.cli(*args)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result.stdout


def cli_json(server: RunningServer, *args: str) -> Any:
    return json.loads(cli_ok(server, *args, "--json"))


def cli_error(server: RunningServer, *args: str) -> str:
    """Run a command that must fail with exit 1 and one `error: ...` line; returns it."""
    result = server.cli(*args)
    assert result.returncode == 1, f"{args}: {result.stdout}{result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@asynccontextmanager
async def nio_client(server: RunningServer, user: UserClient) -> AsyncIterator[nio.AsyncClient]:
    """A matrix-nio client logged in as the user (a new device)."""
    client = nio.AsyncClient(server.url, user.user_id)
    try:
        resp = await client.login(PASSWORD)
        assert isinstance(resp, nio.LoginResponse), resp
        yield client
    finally:
        await client.close()


async def joined_rooms(client: nio.AsyncClient) -> list[str]:
    resp = await client.joined_rooms()
    assert isinstance(resp, nio.JoinedRoomsResponse), resp
    return resp.rooms
