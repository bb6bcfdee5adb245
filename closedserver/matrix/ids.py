"""Identifier grammar (appendices, "Identifier Grammar").

Server names, user IDs, room IDs, room aliases and event IDs. Validation of what arrives
(over federation or in an API call) follows the *historical* user ID grammar, which
servers MUST still accept; `is_valid_localpart_for_new_user` applies the strict grammar
to users this server creates. Every identifier is limited to 255 bytes of UTF-8.
"""

import ipaddress
import re

from closedserver.matrix.errors import InvalidIdentifierError

MAX_IDENTIFIER_BYTES = 255

_DNS_NAME = re.compile(r"[A-Za-z0-9.\-]{1,255}")
_PORT = re.compile(r"[0-9]{1,5}")
_IPV6_CHARS = re.compile(r"[0-9A-Fa-f:.]{2,45}")
_STRICT_LOCALPART = re.compile(r"[a-z0-9._=\-/+]+")
# Event IDs of room versions 4+ (and room IDs of v12): `$` + URL-safe unpadded
# Base64 of a sha256 reference hash, always 43 characters.
_HASH_ID_BODY = re.compile(r"[A-Za-z0-9_\-]{43}")


def _byte_length(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def parse_server_name(server_name: str) -> tuple[str, int | None]:
    """Split a server name into (hostname, port). Raises InvalidIdentifierError."""
    if not isinstance(server_name, str) or not server_name:
        raise InvalidIdentifierError("server name must be a non-empty string")
    if server_name.startswith("["):
        end = server_name.find("]")
        address = server_name[1:end] if end > 0 else ""
        if not _IPV6_CHARS.fullmatch(address) or not _is_ipv6(address):
            raise InvalidIdentifierError(f"invalid IPv6 literal in server name {server_name!r}")
        host, rest = server_name[: end + 1], server_name[end + 1 :]
        if rest and not rest.startswith(":"):
            raise InvalidIdentifierError(f"junk after IPv6 literal in {server_name!r}")
        port_text = rest[1:] if rest else None
    else:
        host, _, port_text = server_name.partition(":")
        port_text = port_text if ":" in server_name else None
        if not _DNS_NAME.fullmatch(host):
            raise InvalidIdentifierError(f"invalid hostname in server name {server_name!r}")
    if port_text is None:
        return host, None
    if not _PORT.fullmatch(port_text):
        raise InvalidIdentifierError(f"invalid port in server name {server_name!r}")
    return host, int(port_text)


def _is_ipv6(address: str) -> bool:
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def is_valid_server_name(server_name: str) -> bool:
    try:
        parse_server_name(server_name)
    except InvalidIdentifierError:
        return False
    return True


def _parse_sigil_id(identifier: str, sigil: str, what: str) -> tuple[str, str]:
    """Split `&localpart:server_name` where the localpart is anything but `:` and NUL."""
    if not isinstance(identifier, str) or not identifier.startswith(sigil):
        raise InvalidIdentifierError(f"{what} must be a string starting with {sigil!r}")
    if _byte_length(identifier) > MAX_IDENTIFIER_BYTES:
        raise InvalidIdentifierError(f"{what} is longer than 255 bytes")
    localpart, colon, server_name = identifier[1:].partition(":")
    if not colon:
        raise InvalidIdentifierError(f"{what} {identifier!r} has no server name")
    if "\x00" in localpart or not _is_scalar_text(localpart):
        raise InvalidIdentifierError(f"{what} {identifier!r} has an invalid localpart")
    if not is_valid_server_name(server_name):
        raise InvalidIdentifierError(f"{what} {identifier!r} has an invalid server name")
    return localpart, server_name


def _is_scalar_text(text: str) -> bool:
    """True unless `text` holds a lone surrogate (not a Unicode scalar value)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_user_id(user_id: str) -> tuple[str, str]:
    """(localpart, server_name) of a user ID, historical grammar. Raises on error."""
    return _parse_sigil_id(user_id, "@", "user ID")


def is_valid_user_id(user_id: str, *, strict: bool = False) -> bool:
    """Historical grammar by default; `strict` also requires a compliant localpart."""
    try:
        localpart, _ = parse_user_id(user_id)
    except InvalidIdentifierError:
        return False
    return not strict or _STRICT_LOCALPART.fullmatch(localpart) is not None


def is_valid_localpart_for_new_user(localpart: str, server_name: str) -> bool:
    """True if `@localpart:server_name` may be allocated to a new user today: the
    strict character set `a-z 0-9 . _ = - / +` and at most 255 bytes in all."""
    if not isinstance(localpart, str) or not _STRICT_LOCALPART.fullmatch(localpart):
        return False
    return len(localpart) + len(server_name) + 2 <= MAX_IDENTIFIER_BYTES


def parse_room_alias(room_alias: str) -> tuple[str, str]:
    """(localpart, server_name) of a room alias. Raises InvalidIdentifierError."""
    return _parse_sigil_id(room_alias, "#", "room alias")


def is_valid_room_alias(room_alias: str) -> bool:
    try:
        parse_room_alias(room_alias)
    except InvalidIdentifierError:
        return False
    return True


def is_valid_event_id(event_id: str) -> bool:
    """An event ID of room versions 4 and later: `$` + 43 URL-safe Base64 characters."""
    return (
        isinstance(event_id, str)
        and event_id.startswith("$")
        and _HASH_ID_BODY.fullmatch(event_id, 1) is not None
    )


def is_valid_hash_room_id(room_id: str) -> bool:
    """A domain-less room ID (room version 12): `!` + the create event's reference hash."""
    return (
        isinstance(room_id, str)
        and room_id.startswith("!")
        and _HASH_ID_BODY.fullmatch(room_id, 1) is not None
    )


def is_valid_room_id(room_id: str) -> bool:
    """Either room ID form: `!opaque:server_name` (v1-v11) or `!hash` (v12)."""
    if is_valid_hash_room_id(room_id):
        return True
    try:
        _parse_sigil_id(room_id, "!", "room ID")
    except InvalidIdentifierError:
        return False
    return True


def get_server_name(identifier: str) -> str:
    """The server name after the first `:` of a user ID, room alias or domain room ID.
    Raises InvalidIdentifierError when there is none (e.g. a v12 room ID)."""
    _, colon, server_name = identifier.partition(":")
    if not colon:
        raise InvalidIdentifierError(f"{identifier!r} has no server name")
    return server_name


def room_id_from_create_event_id(create_event_id: str) -> str:
    """The v12 room ID of a room whose create event has this ID (`$` becomes `!`)."""
    return "!" + create_event_id[1:]


def create_event_id_from_room_id(room_id: str) -> str:
    """The create event ID of a v12 room (`!` becomes `$`)."""
    return "$" + room_id[1:]
