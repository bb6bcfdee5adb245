"""Turning a started server (or a bare --url) into a Target the scenarios can drive."""

from __future__ import annotations

import argparse
import secrets

from bench.client import MatrixClient, make_http_client
from bench.servers.process import ServerProcess
from bench.target import Target
from bench.users import UserFactory

SERVER_NAME = "localhost"


def run_tag_and_password() -> tuple[str, str]:
    """A tag that makes this run's localparts unique, and the password all users share."""
    return secrets.token_hex(3), f"bench-{secrets.token_hex(8)}"


def make_target(name: str, url: str, args: argparse.Namespace, run_tag: str, password: str,
                server: ServerProcess | None = None) -> Target:
    client = MatrixClient(make_http_client(url))
    data_dir = server.data_dir if server else args.data_dir
    fields = {"server_name": SERVER_NAME, "data_dir": str(data_dir or ""), "url": url}
    users = UserFactory(client, run_tag, password, template=args.user_commands.get(name),
                        template_fields=fields)
    pid = server.pid if server else args.server_pid
    return Target(name=name, url=url, client=client, users=users, pid=pid, data_dir=data_dir)
