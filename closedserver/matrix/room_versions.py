"""Room versions 10, 11 and 12 as named flags (spec: rooms/_index.md, v10.md, v11.md, v12.md).

Code elsewhere asks a flag ("does this version keep `redacts` in content?") and never
compares version strings, so a future version is one more table row.
"""

from dataclasses import dataclass
from enum import Enum

from closedserver.matrix.errors import UnsupportedRoomVersionError


class RedactionRules(Enum):
    V9 = "v9"  # fragments/v9-redactions.md (used by v10)
    V11 = "v11"  # fragments/v11-redactions.md (used by v11 and v12)


class StateResAlgorithm(Enum):
    V2 = "v2"  # fragments/v2-state-res.md
    V2_1 = "v2.1"  # v12.md: empty starting state + conflicted state subgraph


@dataclass(frozen=True, slots=True)
class RoomVersion:
    identifier: str
    redaction_rules: RedactionRules
    state_res: StateResAlgorithm
    # Event IDs are `$` + the URL-safe Base64 reference hash (v4+).
    event_ids_are_hashes: bool = True
    # Canonical JSON is enforced: integers only, in the 53-bit range (v6+).
    strict_canonical_json: bool = True
    knock_join_rule: bool = True  # v7+
    restricted_join_rule: bool = True  # v8+
    knock_restricted_join_rule: bool = True  # v10+
    # Power level values must be integers, never strings (v10+).
    integer_power_levels: bool = True
    # `m.room.create` content must carry `creator` (v1-v10); from v11 the creator is
    # the create event's `sender`.
    create_event_requires_creator: bool = False
    # `redacts` lives in the content of `m.room.redaction` (v11+), not at the top level.
    redacts_in_content: bool = True
    # The room ID is `!` + the create event's reference hash, the create event has no
    # `room_id`, and it is never listed in `auth_events` (v12).
    room_id_is_create_event_hash: bool = False
    # Creators (create `sender` + `additional_creators`) have infinite power (v12).
    creators_have_infinite_power: bool = False

    @property
    def create_event_in_auth_events(self) -> bool:
        return not self.room_id_is_create_event_hash

    def __str__(self) -> str:
        return self.identifier


ROOM_V10 = RoomVersion(
    identifier="10",
    redaction_rules=RedactionRules.V9,
    state_res=StateResAlgorithm.V2,
    create_event_requires_creator=True,
    redacts_in_content=False,
)
ROOM_V11 = RoomVersion(
    identifier="11",
    redaction_rules=RedactionRules.V11,
    state_res=StateResAlgorithm.V2,
)
ROOM_V12 = RoomVersion(
    identifier="12",
    redaction_rules=RedactionRules.V11,
    state_res=StateResAlgorithm.V2_1,
    room_id_is_create_event_hash=True,
    creators_have_infinite_power=True,
)

KNOWN_ROOM_VERSIONS: dict[str, RoomVersion] = {
    version.identifier: version for version in (ROOM_V10, ROOM_V11, ROOM_V12)
}
DEFAULT_ROOM_VERSION = "12"


def get_room_version(identifier: str) -> RoomVersion:
    """The RoomVersion for an identifier. Raises UnsupportedRoomVersionError."""
    try:
        return KNOWN_ROOM_VERSIONS[identifier]
    except (KeyError, TypeError):
        raise UnsupportedRoomVersionError(f"unsupported room version {identifier!r}") from None
