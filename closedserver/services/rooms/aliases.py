"""Room aliases (spec: "Room aliases", directory.yaml) and canonical alias checks."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from closedserver.clock import now_ms
from closedserver.errors import BadJson, Forbidden, InvalidParam, MatrixError, NotFound
from closedserver.matrix.ids import is_valid_room_alias
from closedserver.services.rooms.access import RoomAccess

log = logging.getLogger(__name__)


class AliasInUse(MatrixError):
    """409: the alias already points at a room (spec: PUT /directory/room)."""

    errcode = "M_UNKNOWN"
    status = 409


class BadAlias(MatrixError):
    """400: a canonical alias that does not exist or points elsewhere."""

    errcode = "M_BAD_ALIAS"
    status = 400


class Aliases:
    def __init__(self, access: RoomAccess, server_name: str) -> None:
        self.access = access
        self.rooms = access.rooms
        self.server_name = server_name

    def validate_alias(self, alias: str) -> None:
        if not is_valid_room_alias(alias):
            raise InvalidParam(f"{alias!r} is not a valid room alias (#name:server)")
        if alias.split(":", 1)[1] != self.server_name:
            raise InvalidParam(f"Aliases must end in :{self.server_name}")
        if any(c in alias.split(":", 1)[0][1:] for c in " \t\n#"):
            raise InvalidParam("Room alias names may not contain spaces or '#'")

    def resolve(self, alias: str) -> str:
        """The room ID an alias points to (404 when unknown)."""
        found = self.rooms.get_alias(alias)
        if found is None:
            raise NotFound(f"Room alias {alias} not found")
        return found[0]

    def create_alias(self, user_id: str, alias: str, room_id: str) -> None:
        self.validate_alias(alias)
        self.access.room(room_id)
        self.access.require_joined(room_id, user_id)
        with self.access.rooms.db.transaction():
            self.create_alias_in_txn(alias, room_id, user_id)
        log.info("%s created alias %s for %s", user_id, alias, room_id)

    def create_alias_in_txn(self, alias: str, room_id: str, user_id: str) -> None:
        if self.rooms.get_alias(alias) is not None:
            raise AliasInUse(f"Room alias {alias} already exists")
        self.rooms.insert_alias(alias, room_id, user_id, now_ms())

    def delete_alias(self, user_id: str, alias: str, *, is_admin: bool = False) -> None:
        found = self.rooms.get_alias(alias)
        if found is None:
            raise NotFound(f"Room alias {alias} not found")
        room_id, creator = found
        allowed = is_admin or creator == user_id or (
            self.access.membership(room_id, user_id) == "join"
            and self.access.can_send(room_id, user_id, "m.room.canonical_alias", ""))
        if not allowed:
            raise Forbidden("Only the alias's creator or a room moderator may delete it")
        with self.rooms.db.transaction():
            self.rooms.delete_alias(alias)
        log.info("%s deleted alias %s", user_id, alias)

    def room_aliases(self, room_id: str) -> list[str]:
        return self.rooms.list_aliases(room_id)

    def check_canonical_alias_content(self, room_id: str, content: Mapping[str, Any]) -> None:
        """Spec: m.room.canonical_alias may only name aliases that point to the room."""
        aliases = []
        alias = content.get("alias")
        if alias is not None:
            if not isinstance(alias, str):
                raise BadJson("alias must be a string")
            aliases.append(alias)
        alt = content.get("alt_aliases", [])
        if not isinstance(alt, list) or not all(isinstance(a, str) for a in alt):
            raise BadJson("alt_aliases must be a list of strings")
        aliases.extend(alt)
        for name in aliases:
            found = self.rooms.get_alias(name) if is_valid_room_alias(name) else None
            if found is None or found[0] != room_id:
                raise BadAlias(f"The alias {name} does not point to this room")
