"""Searching the user directory (spec: users.yaml, `POST /user_directory/search`).

On a closed server a team expects to find every colleague, so by default every active
local user is searchable (`[user_directory] search_all_users = true`). With it off, a
searcher finds only the users the spec requires at a minimum: those who share a room with
them and those joined to rooms that are `public` or `world_readable`.

Matching is case-insensitive on user ID and display name: every word of the search term
must occur in one of them. Results rank exact matches, then prefixes, then word starts, then
other matches; users with a profile (display name or avatar) come first within a rank.
Deactivated users are never listed.
"""

from __future__ import annotations

import re
from typing import Any

from closedserver.errors import InvalidParam
from closedserver.services.event_cache import EventCache
from closedserver.services.room_state import RoomState
from closedserver.storage.user_directory import DirectoryUser, UserDirectoryStore

DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
_WORD_START = re.compile(r"(?:^|[^\w])(\w)")


class UserDirectory:
    def __init__(self, store: UserDirectoryStore, events: EventCache, state: RoomState, *,
                 search_all_users: bool) -> None:
        self.store = store
        self.events = events
        self.state = state
        self.search_all_users = search_all_users

    def search(self, user_id: str, search_term: str, limit: int | None) -> dict[str, Any]:
        limit = DEFAULT_LIMIT if limit is None else limit
        if limit < 0:
            raise InvalidParam("limit must not be negative")
        limit = min(limit, MAX_LIMIT)
        words = search_term.casefold().split()
        term = " ".join(words)
        visible = None if self.search_all_users else self._visible_user_ids(user_id)
        ranked = []
        for user in self.store.list_active_users():
            if visible is not None and user.user_id not in visible:
                continue
            rank = _rank(user, term, words)
            if rank is not None:
                ranked.append((rank, user.displayname is None and user.avatar_url is None,
                               user.user_id, user))
        ranked.sort(key=lambda r: r[:3])
        return {"results": [_result(r[3]) for r in ranked[:limit]],
                "limited": len(ranked) > limit}

    def _visible_user_ids(self, user_id: str) -> set[str]:
        """Users sharing a room with the searcher, or joined to public or world-readable
        rooms."""
        open_rooms = self._rooms_with("m.room.join_rules", "join_rule", "public")
        open_rooms |= self._rooms_with("m.room.history_visibility", "history_visibility",
                                       "world_readable")
        return self.state.store.users_sharing_a_room(user_id) \
            | self.store.list_joined_user_ids(sorted(open_rooms))

    def _rooms_with(self, event_type: str, key: str, value: str) -> set[str]:
        rows = self.store.list_state_event_ids(event_type)
        loaded = self.events.get_many(event_id for _, event_id in rows)
        return {room_id for room_id, event_id in rows
                if event_id in loaded and loaded[event_id].event.content.get(key) == value}


def _rank(user: DirectoryUser, term: str, words: list[str]) -> int | None:
    """0 exact, 1 prefix, 2 word start, 3 elsewhere; None when a word does not match."""
    localpart = user.user_id[1:].split(":", 1)[0].casefold()
    name = (user.displayname or "").casefold()
    haystack = f"{user.user_id.casefold()} {name}"
    if not all(word in haystack for word in words):
        return None
    if not term:
        return 3
    if term in (localpart, name, user.user_id.casefold()):
        return 0
    if localpart.startswith(term) or name.startswith(term):
        return 1
    if any(haystack.startswith(term, m.start(1)) for m in _WORD_START.finditer(haystack)):
        return 2
    return 3


def _result(user: DirectoryUser) -> dict[str, Any]:
    result: dict[str, Any] = {"user_id": user.user_id}
    if user.displayname is not None:
        result["display_name"] = user.displayname
    if user.avatar_url is not None:
        result["avatar_url"] = user.avatar_url
    return result
