"""The room alias directory and a room's visibility in the published room directory.

Spec: directory.yaml ("Room aliases": resolve, create, delete, a room's local aliases) and
list_public_rooms.yaml (`/directory/list/room/{roomId}`). This server does not federate, so
aliases of other servers are unknown (404). Deleting an alias also drops it from the room's
m.room.canonical_alias when the deleter may change that event (the spec's note on DELETE).
"""

from __future__ import annotations

import logging
from typing import Any

from closedserver.errors import Forbidden, InvalidParam, NotFound
from closedserver.matrix.ids import is_valid_room_alias
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.services.sessions import Requester
from closedserver.services.timeline import EventDraft, Timeline

log = logging.getLogger(__name__)
CANONICAL_ALIAS = "m.room.canonical_alias"


class RoomDirectory:
    def __init__(self, timeline: Timeline, access: RoomAccess, aliases: Aliases) -> None:
        self.timeline = timeline
        self.access = access
        self.aliases = aliases
        self.server_name = aliases.server_name

    # aliases

    def resolve_alias(self, alias: str) -> dict[str, Any]:
        if not is_valid_room_alias(alias):
            raise InvalidParam(f"{alias!r} is not a valid room alias (#name:server)")
        if alias.split(":", 1)[1] != self.server_name:
            raise NotFound(f"Room alias {alias} not found: this server does not federate")
        return {"room_id": self.aliases.resolve(alias), "servers": [self.server_name]}

    def create_alias(self, requester: Requester, alias: str, room_id: str) -> None:
        self.aliases.create_alias(requester.user_id, alias, room_id)

    def delete_alias(self, requester: Requester, alias: str) -> None:
        with self.timeline.batch():
            room_id = self.aliases.resolve(alias)
            self.aliases.delete_alias(requester.user_id, alias, is_admin=requester.is_admin)
            self._drop_from_canonical_alias(requester.user_id, room_id, alias)

    def _drop_from_canonical_alias(self, user_id: str, room_id: str, alias: str) -> None:
        current = self.access.state.current_event(room_id, CANONICAL_ALIAS)
        if current is None:
            return
        content = dict(current.content)
        alt = content.get("alt_aliases")
        mentioned = content.get("alias") == alias or (isinstance(alt, list) and alias in alt)
        if not mentioned or self.access.membership(room_id, user_id) != "join" \
                or not self.access.can_send(room_id, user_id, CANONICAL_ALIAS, ""):
            return
        if content.get("alias") == alias:
            del content["alias"]
        if isinstance(alt, list):
            content["alt_aliases"] = [a for a in alt if a != alias]
        self.timeline.append(room_id, EventDraft(user_id, CANONICAL_ALIAS, content, ""))

    def local_aliases(self, requester: Requester, room_id: str) -> list[str]:
        """Members, server admins, and anyone for a world-readable room."""
        self.access.room(room_id)
        if self.access.membership(room_id, requester.user_id) != "join" \
                and not requester.is_admin and not self.access.world_readable(room_id):
            raise Forbidden("You are not a member of the room")
        return self.aliases.room_aliases(room_id)

    # published room directory

    def visibility(self, room_id: str) -> str:
        return "public" if self.access.room(room_id).is_public else "private"

    def set_visibility(self, requester: Requester, room_id: str, visibility: str) -> None:
        """Room moderators (who may set the canonical alias) and server admins."""
        if visibility not in ("public", "private"):
            raise InvalidParam("visibility must be 'public' or 'private'")
        self.access.room(room_id)
        if not requester.is_admin:
            self.access.require_joined(room_id, requester.user_id)
            if not self.access.can_send(room_id, requester.user_id, CANONICAL_ALIAS, ""):
                raise Forbidden("You need the power to set the room's canonical alias to "
                                "publish or unpublish it")
        with self.timeline.db.transaction():
            self.access.rooms.update_public(room_id, visibility == "public")
        log.info("%s made %s %s in the room directory", requester.user_id, room_id, visibility)
