"""Choosing the local room member an admin action is sent as.

An admin action that needs power in a room (inviting, raising a power level) is sent by a
local member who has that power: the acting admin or the service user when they are in the
room, else the most powerful local member. Levels follow the room version (v12 creators
have infinite power).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from closedserver.matrix.auth_rules.power_levels import PowerLevel
from closedserver.services.accounts import Accounts
from closedserver.services.rooms.access import RoomAccess


def local_members_by_power(access: RoomAccess, accounts: Accounts,
                           room_id: str) -> list[tuple[str, PowerLevel]]:
    """Joined local members with their levels, most powerful first."""
    joined = [u for u in access.state.store.list_joined_user_ids(room_id)
              if accounts.is_local(u)]
    levels = access.user_levels(room_id, joined)
    return sorted(levels.items(), key=lambda item: (-item[1], item[0]))


def pick_member(access: RoomAccess, accounts: Accounts, room_id: str, *,
                preferred: Sequence[str], able: Callable[[str], bool]) -> str | None:
    """The first of `preferred` (when joined), then of the local members by power, that is
    `able`; None when no local member is."""
    ranked = [user_id for user_id, _ in local_members_by_power(access, accounts, room_id)]
    joined = set(ranked)
    for user_id in [*(p for p in preferred if p in joined), *ranked]:
        if able(user_id):
            return user_id
    return None
