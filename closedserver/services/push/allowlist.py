"""The push gateway allow-list (`[push] gateway_allowlist`): which pusher URLs and which
network addresses the server may send notifications to. Pure: no I/O, and it imports
nothing else of closedserver (config.py uses it to check the list at start-up).

A closed server opens no connection it was not told to, so the list is empty by default.
Entries:
- a base URL, `https://push.example.org` or `http://127.0.0.1:5000/` (with an optional
  path prefix): pusher URLs with that scheme, host and port. The only way to allow `http`.
- a hostname, `push.example.org`: `https` pusher URLs on that host, any port.
- an IP address or network, `10.0.0.7` or `10.0.0.0/8`: `https` pusher URLs whose host is
  such an address, and permission to connect to such addresses.

Private, loopback, link-local and other non-global addresses are refused, also when an
allowed hostname resolves to them, unless the address is listed explicitly: by an IP or
network entry, or (for that URL only) as the host of a URL entry. Every address a host
resolves to is checked.
Pusher URLs must have the path `/_matrix/push/v1/notify` (CS API `POST /pushers/set`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PUSH_PATH = "/_matrix/push/v1/notify"
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
ADMIN_HINT = "the server admin must add it to [push] gateway_allowlist"


class GatewayRefused(Exception):
    """The pusher URL may not be used; the message says why and what the admin can do."""


@dataclass(frozen=True)
class GatewayUrl:
    """A parsed pusher URL."""

    url: str
    scheme: str
    host: str
    """Lower-case hostname, or an IP address in its normal text form."""
    port: int
    path: str
    ip: IPAddress | None
    """The host, when it is an IP address."""


@dataclass(frozen=True)
class AllowEntry:
    text: str
    scheme: str | None = None
    """Set for URL entries only."""
    host: str | None = None
    port: int | None = None
    path: str = ""
    network: IPNetwork | None = None
    """The addresses this entry lists explicitly."""

    def allows(self, gateway: GatewayUrl) -> bool:
        if self.scheme is not None:
            return (self.scheme == gateway.scheme and self.host == gateway.host
                    and self.port == gateway.port and gateway.path.startswith(self.path))
        if gateway.scheme != "https":
            return False
        if self.host is not None:
            return self.host == gateway.host
        return gateway.ip is not None and self.network is not None \
            and gateway.ip in self.network


def parse_entry(text: str) -> AllowEntry:
    """One allow-list entry; ValueError says what is wrong with it."""
    entry = text.strip()
    if "://" in entry:
        return _parse_url_entry(entry)
    if "/" in entry:
        try:
            return AllowEntry(entry, network=ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{text!r} is not a URL, hostname, IP address or network") \
                from None
    ip = _ip_or_none(entry)
    if ip is not None:
        return AllowEntry(entry, host=str(ip), network=ipaddress.ip_network(ip))
    if not _HOSTNAME.fullmatch(entry):
        raise ValueError(f"{text!r} is not a URL, hostname, IP address or network")
    return AllowEntry(entry, host=entry.lower().rstrip("."))


def _parse_url_entry(entry: str) -> AllowEntry:
    parts = urlsplit(entry)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{entry!r} has an invalid port") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{entry!r}: expected an http:// or https:// URL with a host")
    ip = _ip_or_none(parts.hostname)
    host = str(ip) if ip is not None else parts.hostname.rstrip(".")
    return AllowEntry(entry, scheme=parts.scheme, host=host,
                      port=port or DEFAULT_PORTS[parts.scheme], path=parts.path.rstrip("/"),
                      network=ipaddress.ip_network(ip) if ip is not None else None)


def _ip_or_none(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_gateway_url(url: str) -> GatewayUrl:
    """A pusher's `data.url`, checked for shape (not yet against the allow-list)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise GatewayRefused(f"data.url {url!r} has an invalid port") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise GatewayRefused(f"data.url {url!r} must be an https URL of a push gateway")
    if parts.username is not None or parts.password is not None:
        raise GatewayRefused("data.url must not contain a user name or password")
    if parts.path != PUSH_PATH:
        raise GatewayRefused(f"data.url must have the path {PUSH_PATH}")
    ip = _ip_or_none(parts.hostname)
    host = str(ip) if ip is not None else parts.hostname.rstrip(".")
    return GatewayUrl(url, parts.scheme, host, port or DEFAULT_PORTS[parts.scheme],
                      parts.path, ip)


def is_public_address(ip: IPAddress) -> bool:
    """A globally routable unicast address (not private, loopback, link-local, shared,
    reserved, multicast or unspecified)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class Allowlist:
    def __init__(self, entries: Iterable[str]) -> None:
        self.entries = [parse_entry(text) for text in entries]

    def check_url(self, gateway: GatewayUrl) -> None:
        """Refuse a pusher URL that no entry allows."""
        if any(entry.allows(gateway) for entry in self.entries):
            return
        if not self.entries:
            raise GatewayRefused(
                f"Push gateway {gateway.host} is not allowed: this server sends no push "
                f"notifications until an admin allows gateways ({ADMIN_HINT})")
        if gateway.scheme == "http":
            raise GatewayRefused(
                f"Push gateway {gateway.scheme}://{gateway.host}:{gateway.port} is not "
                f"allowed: http gateways must be listed by URL ({ADMIN_HINT})")
        raise GatewayRefused(f"Push gateway {gateway.host} is not allowed on this server: "
                             f"{ADMIN_HINT}")

    def check_address(self, gateway: GatewayUrl, address: str) -> None:
        """Refuse connecting to a non-public address that is not listed explicitly."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if is_public_address(ip) or self._listed(gateway, ip):
            return
        raise GatewayRefused(
            f"Push gateway {gateway.host} resolves to {ip}, a private, loopback or "
            f"link-local address: the server admin must list that address in "
            f"[push] gateway_allowlist")

    def _listed(self, gateway: GatewayUrl, ip: IPAddress) -> bool:
        """Whether an IP or network entry lists the address, or a URL entry that allows
        this very URL names it as its host."""
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        for entry in self.entries:
            if entry.network is None or not any(c in entry.network for c in candidates):
                continue
            if entry.scheme is None or entry.allows(gateway):
                return True
        return False
