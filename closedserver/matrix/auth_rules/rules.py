"""The authorization rules of room versions 10, 11 and 12 ("Authorisation rules" in
v10.md, v11.md and v12.md), step by step. Rule numbers in comments are those of v10/v11;
v12's are shifted by its extra rule 2 (see failure.py).

`check_auth_rules` checks an event against a state (its auth events, the state before
it, or the current state: the server-server API's receipt checks 4, 5 and 6).
`check_auth_events` (selection.py) checks the event's own `auth_events` list (rule 2),
and `check_event_auth` does both against the auth events, as on receipt.
"""

from collections.abc import Mapping, Sequence

from closedserver.matrix.auth_rules.context import AuthContext
from closedserver.matrix.auth_rules.failure import fail
from closedserver.matrix.auth_rules.membership import check_member_event
from closedserver.matrix.auth_rules.power_levels import (
    check_power_levels_event,
    get_required_power_level,
)
from closedserver.matrix.auth_rules.selection import (
    CREATE,
    MEMBER,
    POWER_LEVELS,
    THIRD_PARTY_INVITE,
    auth_state_from_events,
    check_auth_events,
)
from closedserver.matrix.errors import InvalidIdentifierError
from closedserver.matrix.event import Event, StateKey
from closedserver.matrix.ids import create_event_id_from_room_id, get_server_name, is_valid_user_id
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion


def check_auth_rules(
    room_version: RoomVersion,
    event: Event,
    auth_state: Mapping[StateKey, Event],
    create_event: Event | None = None,
) -> None:
    """Raise AuthError unless `event` is allowed by the rules against `auth_state`.

    `create_event` is the room's m.room.create event; when omitted it is taken from
    `auth_state` (v12 auth events never list it, so pass it when checking those).
    Signatures are checked elsewhere (event_signing.py).
    """
    if event.room_version is not room_version:
        raise ValueError(f"event is of room version {event.room_version}, not {room_version}")
    # 1. m.room.create events are decided by rule 1 alone.
    if event.type == CREATE:
        _check_create_event(room_version, event)
        return
    create_event = _room_create_event(room_version, event, auth_state, create_event)
    ctx = AuthContext(room_version, event, auth_state, create_event)
    # 3. m.federate: false keeps other servers out.
    _check_federation_allowed(ctx)
    # 4. m.room.member events have their own rules.
    if event.type == MEMBER:
        check_member_event(ctx)
        return
    # 5. The sender must be joined.
    if ctx.membership_of(event.sender) != "join":
        fail(room_version, "5", event.type, f"{event.sender} is not joined to the room")
    # 6. m.room.third_party_invite needs the invite level.
    if event.type == THIRD_PARTY_INVITE:
        level, invite_level = ctx.level_of(event.sender), ctx.named_level("invite")
        if level < invite_level:
            fail(room_version, "6.1", event.type,
                 f"sender's power level {level} < invite level {invite_level}")
        return
    _check_power_to_send(ctx)
    # 9. m.room.power_levels changes.
    if event.type == POWER_LEVELS:
        current = auth_state.get((POWER_LEVELS, ""))
        check_power_levels_event(
            room_version, event, current.content if current is not None else None,
            ctx.level_of(event.sender), ctx.creators,
        )
    # 10. Otherwise, allow.


def _check_create_event(room_version: RoomVersion, event: Event) -> None:
    topic = CREATE
    # 1.1: a create event has no prev_events.
    if event.prev_event_ids:
        fail(room_version, "1.1", topic, "the create event has prev_events")
    if room_version.room_id_is_create_event_hash:
        # 1.2 (v12): it has no room_id (the room ID is derived from it).
        if event.get_pdu_field("room_id") is not None:
            fail(room_version, "1.2", topic, "a v12 create event must not have a room_id")
    elif _server_name_or_none(event.room_id) != _server_name_or_none(event.sender):
        # 1.2: the room ID's domain is the sender's.
        fail(room_version, "1.2", topic, "room_id's domain does not match the sender's")
    # 1.3: content.room_version, if present, must be a version we know.
    if "room_version" in event.content:
        version = event.content["room_version"]
        if not isinstance(version, str) or version not in KNOWN_ROOM_VERSIONS:
            fail(room_version, "1.3", topic, f"unknown room version {version!r}")
    # 1.4 (v10): content.creator is required.
    if room_version.create_event_requires_creator and "creator" not in event.content:
        fail(room_version, "1.4", topic, "content has no 'creator'")
    # 1.4 (v12): additional_creators must be a list of valid user IDs.
    if room_version.creators_have_infinite_power and "additional_creators" in event.content:
        additional = event.content["additional_creators"]
        if not isinstance(additional, list) or not all(
            isinstance(user_id, str) and is_valid_user_id(user_id) for user_id in additional
        ):
            fail(room_version, "1.4", topic, "additional_creators must be a list of user IDs")
    # 1.5: otherwise, allow.


def _server_name_or_none(identifier: str) -> str | None:
    try:
        return get_server_name(identifier)
    except InvalidIdentifierError:
        return None


def _room_create_event(
    room_version: RoomVersion,
    event: Event,
    auth_state: Mapping[StateKey, Event],
    create_event: Event | None,
) -> Event:
    if create_event is None:
        create_event = auth_state.get((CREATE, ""))
    if room_version.room_id_is_create_event_hash:
        # 2 (v12): the room ID is the ID of an accepted create event, `$` made `!`.
        if (
            create_event is None
            or create_event.type != CREATE
            or create_event.rejected_reason is not None
            or create_event.event_id != create_event_id_from_room_id(event.room_id)
        ):
            fail(room_version, "v12:2", "room ID",
                 f"{event.room_id} is not the ID of an accepted m.room.create event")
    elif create_event is None:
        fail(room_version, "2.4", "auth events", "no m.room.create event in the state")
    return create_event


def _check_federation_allowed(ctx: AuthContext) -> None:
    # 3. With m.federate false, only the create event's server may send events.
    if ctx.create_event.content.get("m.federate", True) is not False:
        return
    if _server_name_or_none(ctx.event.sender) != _server_name_or_none(ctx.create_event.sender):
        fail(ctx.room_version, "3", "m.federate",
             f"the room does not federate and {ctx.event.sender} is on another server")


def _check_power_to_send(ctx: AuthContext) -> None:
    event = ctx.event
    # 7. The sender needs the event type's required power level.
    required = get_required_power_level(event.type, event.state_key, ctx.power_levels)
    level = ctx.level_of(event.sender)
    if level < required:
        fail(ctx.room_version, "7", event.type,
             f"sender's power level {level} < required power level {required}")
    # 8. State keys starting with `@` belong to that user.
    state_key = event.state_key
    if state_key is not None and state_key.startswith("@") and state_key != event.sender:
        fail(ctx.room_version, "8", event.type,
             f"state_key {state_key} starts with '@' and is not the sender")


def check_event_auth(
    room_version: RoomVersion,
    event: Event,
    auth_events: Sequence[Event],
    create_event: Event | None = None,
) -> None:
    """Rule 2 on `auth_events`, then every other rule against the state they form
    (receipt check 4: "passes authorisation rules based on the event's auth events")."""
    check_auth_events(room_version, event, auth_events)
    check_auth_rules(room_version, event, auth_state_from_events(auth_events), create_event)
