"""Outbound HTTP(S) GET for URL previews that cannot be aimed at the server's own network.

Each hop (and each redirect) resolves the host name once, refuses the request unless every
address is public (not private, loopback, link-local, multicast, reserved, shared or
unspecified, including IPv4-mapped IPv6 forms) or inside a network the admin allowed,
and then connects to that vetted address, so DNS rebinding cannot swap in another one.
Bodies are read up to a byte limit and the whole fetch has a deadline.

A small HTTP/1.1 client on asyncio streams (no extra dependency): `Connection: close`,
identity encoding, Content-Length, chunked or read-to-close bodies.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_REDIRECTS = 5
MAX_HEADER_BYTES = 64 * 1024
MAX_HEADERS = 100
USER_AGENT = "closedserver URL preview (+https://matrix.org)"
_HOST = re.compile(r"[A-Za-z0-9.\-]{1,253}|[0-9A-Fa-f:.]{2,45}")
_URL_SAFE = "/%:@!$&'()*+,;=-._~?#[]"


class RefusedAddress(Exception):
    """The URL leads to an address previews may not reach."""


class FetchFailed(Exception):
    """The page could not be fetched (network, protocol, size or status)."""


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    content_type: str
    body: bytes
    truncated: bool


def address_allowed(ip: IPAddress, allowed: list[Network]) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed):
        return True
    return ip.is_global and not ip.is_multicast


class SafeFetcher:
    def __init__(self, allowed_networks: list[Network], *, timeout_s: float = 10.0) -> None:
        self.allowed_networks = allowed_networks
        self.timeout_s = timeout_s
        self._tls = ssl.create_default_context()

    async def fetch(self, url: str, max_bytes: int) -> Fetched:
        """GET `url`, following up to MAX_REDIRECTS redirects, each hop vetted."""
        try:
            async with asyncio.timeout(self.timeout_s):
                for _ in range(MAX_REDIRECTS + 1):
                    status, headers, body, truncated = await self._get(url, max_bytes)
                    location = headers.get("location")
                    if status in (301, 302, 303, 307, 308) and location:
                        url = urljoin(url, location)
                        continue
                    return Fetched(url, status, headers.get("content-type", ""), body,
                                   truncated)
        except TimeoutError:
            raise FetchFailed("timed out") from None
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, ValueError) as exc:
            raise FetchFailed(str(exc) or type(exc).__name__) from None
        raise FetchFailed("too many redirects")

    async def _get(self, url: str,
                   max_bytes: int) -> tuple[int, dict[str, str], bytes, bool]:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RefusedAddress("only http and https URLs can be previewed")
        host = parts.hostname
        if not _HOST.fullmatch(host) or parts.username or parts.password:
            raise RefusedAddress("invalid host in URL")
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        ip = await self._resolve(host, port)
        reader, writer = await asyncio.open_connection(
            str(ip), port, ssl=self._tls if https else None,
            server_hostname=host if https else None, limit=MAX_HEADER_BYTES)
        try:
            target = quote(parts.path or "/", safe=_URL_SAFE)
            if parts.query:
                target += "?" + quote(parts.query, safe=_URL_SAFE)
            host_header = host if ":" not in host else f"[{host}]"
            if parts.port:
                host_header += f":{parts.port}"
            writer.write(
                f"GET {target} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
                "Accept: text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.1\r\n"
                "Accept-Encoding: identity\r\nConnection: close\r\n\r\n".encode("ascii"))
            await writer.drain()
            status, headers = await _read_head(reader)
            body, truncated = await _read_body(reader, headers, max_bytes)
            return status, headers, body, truncated
        finally:
            writer.close()

    async def _resolve(self, host: str, port: int) -> IPAddress:
        """One address for the host; refused if any of its addresses is not allowed."""
        infos = await asyncio.get_running_loop().getaddrinfo(host, port,
                                                             type=socket.SOCK_STREAM)
        addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
        if not addresses:
            raise FetchFailed(f"{host} has no address")
        for ip in addresses:
            if not address_allowed(ip, self.allowed_networks):
                raise RefusedAddress(f"{host} resolves to {ip}, which previews may not reach")
        return addresses[0]


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    status_line = (await reader.readline()).decode("latin-1")
    match = re.match(r"HTTP/1\.[01] (\d{3})", status_line)
    if not match:
        raise FetchFailed("not an HTTP/1.x response")
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS):
        line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
        if not line:
            return int(match.group(1)), headers
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    raise FetchFailed("too many response headers")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str],
                     max_bytes: int) -> tuple[bytes, bool]:
    """The body, at most `max_bytes` of it; True when it was longer (and cut off)."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader, max_bytes)
    length = headers.get("content-length")
    if length is not None and length.isdigit():
        body = await reader.readexactly(min(int(length), max_bytes))
        return body, int(length) > max_bytes
    body = await reader.read(max_bytes + 1)
    while len(body) <= max_bytes:
        more = await reader.read(max_bytes + 1 - len(body))
        if not more:
            break
        body += more
    return body[:max_bytes], len(body) > max_bytes


async def _read_chunked(reader: asyncio.StreamReader, max_bytes: int) -> tuple[bytes, bool]:
    body = bytearray()
    while True:
        size_line = (await reader.readline()).split(b";", 1)[0].strip()
        size = int(size_line or b"0", 16)
        if size == 0:
            return bytes(body), False
        if len(body) + size > max_bytes:
            body += await reader.readexactly(max_bytes - len(body))
            return bytes(body), True
        body += await reader.readexactly(size)
        await reader.readexactly(2)  # CRLF after each chunk
