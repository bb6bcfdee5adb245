"""Raising AuthError with the number of the failed rule, as numbered in the room version.

Rules are cited by their v10/v11 numbers. Room version 12 inserts a rule 2 (the room ID
is the create event's) and a rule 10.4 (creators are not in `users`), so its later rules
are shifted; `rule_number` converts. Rules that exist only in v12 are written "v12:N".
"""

from typing import NoReturn

from closedserver.matrix.errors import AuthError
from closedserver.matrix.room_versions import RoomVersion


def rule_number(room_version: RoomVersion, rule: str) -> str:
    if rule.startswith("v12:"):
        return rule[4:]
    if not room_version.room_id_is_create_event_hash:
        return rule
    parts = rule.split(".")
    major = int(parts[0])
    if major >= 2:
        parts[0] = str(major + 1)
    if major == 9 and len(parts) > 1 and int(parts[1]) >= 4:
        parts[1] = str(int(parts[1]) + 1)
    return ".".join(parts)


def fail(room_version: RoomVersion, rule: str, topic: str, message: str) -> NoReturn:
    """Raise AuthError("auth rule 4.6.2 (m.room.member ban): <message>")."""
    raise AuthError(f"auth rule {rule_number(room_version, rule)} ({topic}): {message}")
