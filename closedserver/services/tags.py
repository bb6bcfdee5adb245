"""Room tags (spec module "Room Tagging"): favourites, low priority and users' own tags.

Tags live in the `m.tag` room account data (`{"tags": {tag: {"order": 0.5}}}`), which is
how /sync delivers them; these methods read and change that one entry.
"""

from __future__ import annotations

from typing import Any

import orjson

from closedserver.errors import BadJson, InvalidParam
from closedserver.services.account_data import AccountData

TAG_TYPE = "m.tag"
MAX_TAG_BYTES = 255


class Tags:
    def __init__(self, account_data: AccountData) -> None:
        self.account_data = account_data

    def get_tags(self, requester_id: str, user_id: str, room_id: str) -> dict[str, Any]:
        """`{"tags": {...}}` for the room (empty when it has none)."""
        return {"tags": self._current(requester_id, user_id, room_id)}

    def set_tag(self, requester_id: str, user_id: str, room_id: str, tag: str,
                body: dict[str, Any]) -> None:
        if not tag or len(tag.encode()) > MAX_TAG_BYTES:
            raise InvalidParam(f"Tags are 1 to {MAX_TAG_BYTES} bytes")
        order = body.get("order")
        if order is not None and (isinstance(order, bool)
                                  or not isinstance(order, int | float)):
            raise BadJson("'order' must be a number")
        tags = self._current(requester_id, user_id, room_id)
        tags[tag] = body
        self.account_data.put_internal(user_id, TAG_TYPE, {"tags": tags}, room_id)

    def delete_tag(self, requester_id: str, user_id: str, room_id: str, tag: str) -> None:
        tags = self._current(requester_id, user_id, room_id)
        if tags.pop(tag, None) is not None:
            self.account_data.put_internal(user_id, TAG_TYPE, {"tags": tags}, room_id)

    def _current(self, requester_id: str, user_id: str, room_id: str) -> dict[str, Any]:
        # `get` checks the owner and the room ID; a room without tags is not an error here.
        self.account_data.check_access(requester_id, user_id, room_id)
        stored = self.account_data.store.get_account_data(user_id, room_id, TAG_TYPE)
        tags = orjson.loads(stored).get("tags") if stored else None
        return dict(tags) if isinstance(tags, dict) else {}
