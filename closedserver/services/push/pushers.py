"""Pushers (CS API `GET /pushers`, `POST /pushers/set`): where a user's notifications are
sent. Only `http` pushers are supported (this server sends no email); their gateway must
pass the allow-list and address checks of gateway.py when the pusher is set, and again
before every delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from closedserver.clock import now_ms
from closedserver.errors import InvalidParam, MissingParam
from closedserver.services.push.allowlist import GatewayRefused
from closedserver.services.push.gateway import GatewayPolicy
from closedserver.storage.database import Database
from closedserver.storage.pushers import PusherRow, PushersStore

MAX_APP_ID_CHARS = 64
MAX_PUSHKEY_BYTES = 512


@dataclass(frozen=True)
class PusherRequest:
    """The body of POST /pushers/set (`kind` None deletes)."""

    kind: str | None
    app_id: str
    pushkey: str
    app_display_name: str | None = None
    device_display_name: str | None = None
    profile_tag: str | None = None
    lang: str | None = None
    data: dict[str, Any] | None = None
    append: bool = False


def pusher_json(row: PusherRow) -> dict[str, Any]:
    """A stored pusher as GET /pushers shows it."""
    pusher = {"pushkey": row.pushkey, "kind": row.kind, "app_id": row.app_id,
              "app_display_name": row.app_display_name,
              "device_display_name": row.device_display_name, "lang": row.lang,
              "data": orjson.loads(row.data)}
    if row.profile_tag is not None:
        pusher["profile_tag"] = row.profile_tag
    return pusher


class Pushers:
    def __init__(self, db: Database, policy: GatewayPolicy,
                 on_change: Callable[[], None] | None = None) -> None:
        self.db = db
        self.store = PushersStore(db)
        self.policy = policy
        self.on_change = on_change
        """Called after pushers were added or removed (the delivery refreshes its view)."""

    def list_pushers(self, user_id: str) -> list[dict[str, Any]]:
        return [pusher_json(row) for row in self.store.list_pushers(user_id)]

    async def set_pusher(self, user_id: str, request: PusherRequest) -> None:
        """Create, update or (kind None) delete the pusher (app_id, pushkey) of a user."""
        _check_ids(request)
        if request.kind is None:
            with self.db.transaction():
                self.store.delete_pusher(user_id, request.app_id, request.pushkey)
            self._changed()
            return
        row = _new_row(user_id, request)
        try:
            await self.policy.check(request.data["url"])  # type: ignore[index]
        except GatewayRefused as exc:
            raise InvalidParam(str(exc)) from None
        with self.db.transaction():
            if not request.append:
                self.store.delete_pushers_of_others(user_id, request.app_id, request.pushkey)
            self.store.upsert_pusher(row)
        self._changed()

    def delete_pusher(self, user_id: str, app_id: str, pushkey: str) -> None:
        """Remove a pusher its gateway rejected."""
        with self.db.transaction():
            self.store.delete_pusher(user_id, app_id, pushkey)
        self._changed()

    def delete_pushers_of_user(self, user_id: str) -> None:
        with self.db.transaction():
            self.store.delete_pushers_of_user(user_id)
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def _check_ids(request: PusherRequest) -> None:
    if len(request.app_id) > MAX_APP_ID_CHARS:
        raise InvalidParam(f"app_id is longer than {MAX_APP_ID_CHARS} characters")
    if len(request.pushkey.encode()) > MAX_PUSHKEY_BYTES:
        raise InvalidParam(f"pushkey is longer than {MAX_PUSHKEY_BYTES} bytes")


def _new_row(user_id: str, request: PusherRequest) -> PusherRow:
    """The row to store for an http pusher, after checking the request has what the spec
    requires."""
    if request.kind == "email":
        raise InvalidParam("Email pushers are not supported: this server sends no email")
    if request.kind != "http":
        raise InvalidParam(f"Unknown pusher kind {request.kind!r}; expected 'http'")
    required = {"app_display_name": request.app_display_name,
                "device_display_name": request.device_display_name,
                "lang": request.lang, "data": request.data}
    missing = [name for name, value in required.items() if value is None]
    if request.data is not None and not isinstance(request.data.get("url"), str):
        missing.append("data.url")
    if missing:
        raise MissingParam(f"Missing parameters: {', '.join(missing)}")
    return PusherRow(user_id, request.app_id, request.pushkey, request.kind,
                     request.app_display_name, request.device_display_name,  # type: ignore
                     request.profile_tag, request.lang,  # type: ignore[arg-type]
                     orjson.dumps(request.data).decode(), now_ms())
