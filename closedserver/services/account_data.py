"""Account data, global and per room (spec module "Client Config").

Every change takes a stream position and wakes the owner's parked /sync.
"""

from __future__ import annotations

from typing import Any

import orjson

from closedserver.errors import BadJson, Forbidden, InvalidParam, MatrixError, NotFound
from closedserver.matrix.ids import is_valid_room_id
from closedserver.services.notifier import Notifier
from closedserver.storage.account_data import GLOBAL, AccountDataStore
from closedserver.storage.database import Database

# Types the server manages itself and clients may not set (spec: "Client Config").
SERVER_MANAGED_TYPES = {"m.fully_read", "m.push_rules"}


class ServerManagedType(MatrixError):
    """405 M_BAD_JSON: clients may not set this type (spec: "Client Config")."""

    errcode = "M_BAD_JSON"
    status = 405


class AccountData:
    def __init__(self, db: Database, notifier: Notifier) -> None:
        self.db = db
        self.notifier = notifier
        self.store = AccountDataStore(db)

    def check_access(self, requester_id: str, user_id: str, room_id: str = GLOBAL) -> None:
        """403 for another user's data; 400 for a malformed room ID."""
        _check_owner(requester_id, user_id, "access")
        _check_room_id(room_id)

    def get(self, requester_id: str, user_id: str, data_type: str,
            room_id: str = GLOBAL) -> dict[str, Any]:
        self.check_access(requester_id, user_id, room_id)
        content = self.store.get_account_data(user_id, room_id, data_type)
        if content is None:
            raise NotFound(f"No account data of type {data_type!r}")
        return orjson.loads(content)

    def put(self, requester_id: str, user_id: str, data_type: str, content: Any,
            room_id: str = GLOBAL) -> int:
        """Store account data set by a client; returns its stream position."""
        self.check_access(requester_id, user_id, room_id)
        if data_type in SERVER_MANAGED_TYPES:
            raise ServerManagedType(f"Cannot set {data_type} through the account data API")
        return self.put_internal(user_id, data_type, content, room_id)

    def put_internal(self, user_id: str, data_type: str, content: Any,
                     room_id: str = GLOBAL) -> int:
        """Store account data for the server's own purposes (no type restriction)."""
        if not isinstance(content, dict):
            raise BadJson("Account data content must be a JSON object")
        with self.db.transaction():
            position = self.store.put_account_data(user_id, room_id, data_type,
                                                   orjson.dumps(content).decode())
        self.notifier.notify_users([user_id])
        return position


def _check_owner(requester_id: str, user_id: str, verb: str) -> None:
    if requester_id != user_id:
        raise Forbidden(f"Cannot {verb} account data for other users")


def _check_room_id(room_id: str) -> None:
    if room_id != GLOBAL and not is_valid_room_id(room_id):
        raise InvalidParam(f"{room_id!r} is not a room ID")
