"""Checking a push gateway before talking to it: the allow-list, then DNS, then every
resolved address (allowlist.py has the rules). No SSRF through a pusher URL: the request
goes to the very address that was checked (the URL's host stays in the `Host` header and
in TLS SNI and certificate checks), so a DNS answer that changes between the check and
the connection cannot redirect it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from closedserver.services.push.allowlist import (
    DEFAULT_PORTS,
    Allowlist,
    GatewayRefused,
    GatewayUrl,
    parse_gateway_url,
)

Resolver = Callable[[str, int], Awaitable[list[str]]]


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (in the event loop's thread pool)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class CheckedGateway:
    """A pusher URL that passed every check, and the address to connect to."""

    gateway: GatewayUrl
    address: str

    def request_target(self) -> tuple[str, dict[str, str], dict[str, Any]]:
        """(URL naming the checked address, headers, httpx request extensions)."""
        gateway = self.gateway
        host = f"[{self.address}]" if ":" in self.address else self.address
        url = f"{gateway.scheme}://{host}:{gateway.port}{gateway.path}"
        name = f"[{gateway.host}]" if ":" in gateway.host else gateway.host
        default_port = DEFAULT_PORTS[gateway.scheme] == gateway.port
        headers = {"Host": name if default_port else f"{name}:{gateway.port}"}
        extensions = {"sni_hostname": gateway.host} if gateway.scheme == "https" else {}
        return url, headers, extensions


class GatewayPolicy:
    def __init__(self, allowlist: Allowlist, resolver: Resolver = resolve_host) -> None:
        self.allowlist = allowlist
        self.resolver = resolver

    async def check(self, url: str) -> CheckedGateway:
        """Check a pusher URL now; raises GatewayRefused with a message for the client."""
        gateway = parse_gateway_url(url)
        self.allowlist.check_url(gateway)
        if gateway.ip is not None:
            addresses = [str(gateway.ip)]
        else:
            try:
                addresses = await self.resolver(gateway.host, gateway.port)
            except OSError as exc:
                raise GatewayRefused(f"Push gateway {gateway.host} cannot be resolved: "
                                     f"{exc}") from None
        if not addresses:
            raise GatewayRefused(f"Push gateway {gateway.host} has no address")
        for address in addresses:
            self.allowlist.check_address(gateway, address)
        return CheckedGateway(gateway, addresses[0])
