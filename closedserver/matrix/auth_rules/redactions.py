"""Whether an accepted m.room.redaction is applied to its target (fragments/
v3-handling-redactions.md, "Handling redactions"). The auth rules never look at the redact
level; this check decides if the target is actually redacted.

This is the federation rule: it lets any user of the original sender's server redact the
event. For a local client's request the services layer is stricter (the sender of the
original event, or someone with the redact level).
"""

from collections.abc import Mapping
from typing import Any

from closedserver.matrix.auth_rules.power_levels import (
    get_named_power_level,
    room_creators,
    user_power_level,
)
from closedserver.matrix.errors import InvalidIdentifierError
from closedserver.matrix.event import Event
from closedserver.matrix.ids import get_server_name


def redaction_applies(
    redaction: Event,
    target: Event,
    power_levels_content: Mapping[str, Any] | None,
    create_event: Event,
) -> bool:
    """True if `redaction` (an accepted m.room.redaction of `target`) is to be applied:
    its sender has the redact level, or is on the same server as the target's sender.
    `power_levels_content` is the room's power levels at the redaction."""
    room_version = redaction.room_version
    if redaction.redacts != target.event_id or redaction.room_id != target.room_id:
        return False
    # 1. The redaction's sender has at least the redact level.
    creators = room_creators(room_version, create_event)
    level = user_power_level(redaction.sender, power_levels_content, creators, room_version)
    if level >= get_named_power_level("redact", power_levels_content):
        return True
    # 2. The redaction's sender is on the original event's sender's server.
    try:
        return get_server_name(redaction.sender) == get_server_name(target.sender)
    except InvalidIdentifierError:
        return False
