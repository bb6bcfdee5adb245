"""Authorization rules of room versions 10, 11 and 12, and the power level helpers the
services need. See rules.py for the rules themselves."""

from closedserver.matrix.auth_rules.power_levels import (
    CREATOR_POWER_LEVEL,
    PowerLevel,
    get_named_power_level,
    get_notification_power_level,
    get_required_power_level,
    get_user_power_level,
    room_creators,
)
from closedserver.matrix.auth_rules.redactions import redaction_applies
from closedserver.matrix.auth_rules.rules import check_auth_rules, check_event_auth
from closedserver.matrix.auth_rules.selection import (
    auth_state_from_events,
    auth_types_for_event,
    check_auth_events,
    select_auth_event_ids,
)

__all__ = [
    "CREATOR_POWER_LEVEL",
    "PowerLevel",
    "auth_state_from_events",
    "auth_types_for_event",
    "check_auth_events",
    "check_auth_rules",
    "check_event_auth",
    "get_named_power_level",
    "get_notification_power_level",
    "get_required_power_level",
    "get_user_power_level",
    "redaction_applies",
    "room_creators",
    "select_auth_event_ids",
]
