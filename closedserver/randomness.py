"""Random identifiers and secrets: access tokens, device IDs, session IDs."""

import secrets
import string

_UPPER = string.ascii_uppercase
_ALNUM = string.ascii_letters + string.digits


def random_string(length: int, alphabet: str = _ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def random_secret(prefix: str) -> str:
    """A bearer secret with 256 bits of entropy (access, refresh and registration tokens)."""
    return prefix + secrets.token_urlsafe(32)


def random_device_id() -> str:
    return random_string(10, _UPPER)
