"""Accounts and their access tokens: what a register or login answer gives a client.

Implements the client side of the spec's "Client Authentication" > "Legacy API":
the access token goes in an `Authorization: Bearer` header, a registration that
answers 401 is completed through the User-Interactive Authentication stage
`m.login.dummy`, and a login names the user with an `m.id.user` identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DUMMY_STAGE = "m.login.dummy"


class TokenError(ValueError):
    """A register or login answer that does not carry what a client needs."""


@dataclass(frozen=True)
class Account:
    """A logged-in user: whoever holds this can act as `user_id` on `device_id`."""

    user_id: str
    password: str
    access_token: str
    device_id: str

    @property
    def localpart(self) -> str:
        return self.user_id[1:].split(":", 1)[0]

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def account_from_answer(answer: dict[str, Any], password: str) -> Account:
    """The Account in a successful /register or /login answer."""
    missing = [key for key in ("user_id", "access_token", "device_id") if not answer.get(key)]
    if missing:
        raise TokenError(f"answer lacks {', '.join(missing)}: {sorted(answer)}")
    return Account(
        user_id=answer["user_id"],
        password=password,
        access_token=answer["access_token"],
        device_id=answer["device_id"],
    )


def dummy_auth(uia_answer: dict[str, Any]) -> dict[str, str]:
    """The `auth` dict that completes a 401 UIA answer offering a dummy-only flow."""
    flows = uia_answer.get("flows") or []
    if not any(flow.get("stages") == [DUMMY_STAGE] for flow in flows):
        offered = [flow.get("stages") for flow in flows]
        raise TokenError(f"no open registration: no flow is just {DUMMY_STAGE}: {offered}")
    auth = {"type": DUMMY_STAGE}
    if "session" in uia_answer:
        auth["session"] = uia_answer["session"]
    return auth


def password_login_body(localpart: str, password: str, device_name: str) -> dict[str, Any]:
    """The /login body for password login of a local user."""
    return {
        "type": "m.login.password",
        "identifier": {"type": "m.id.user", "user": localpart},
        "password": password,
        "initial_device_display_name": device_name,
    }
