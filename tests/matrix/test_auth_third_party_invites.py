"""Authorization rule 4.4.1 (v12: 5.4.1): invites made from an m.room.third_party_invite,
verified with the identity server's public key, for room versions 10, 11 and 12.

closedserver runs no identity server and will not create such invites, but it must
authorise the ones other servers send, exactly as they do, to keep rooms converging."""

from typing import Any

import pytest

from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import RoomVersion
from closedserver.matrix.signing import SigningKey, sign_json
from tests.matrix.auth_cases import AuthCase, Case, CaseTable, run_case
from tests.matrix.factories import BOB, CAROL, DAVE, RoomBuilder, standard_room

cases = CaseTable()
IDENTITY_SERVER = "id.example.org"
IDENTITY_KEY = SigningKey.from_seed(b"i" * 32, "0")
TOKEN = "abc123"


def room_with_third_party_invite(rv: RoomVersion, **content: Any) -> RoomBuilder:
    """An invite room where Bob invited some e-mail address through an identity server."""
    room = standard_room(rv, "invite")
    invite_content = {
        "display_name": "d...@example.com",
        "key_validity_url": "https://id.example.org/_matrix/identity/v2/pubkey/isvalid",
        "public_key": IDENTITY_KEY.public_key_base64,
        **content,
    }
    room.send_state(BOB, "m.room.third_party_invite", invite_content, TOKEN)
    return room


def signed_block(
    mxid: str = DAVE, token: str = TOKEN, key: SigningKey = IDENTITY_KEY
) -> dict[str, Any]:
    return sign_json({"mxid": mxid, "token": token}, IDENTITY_SERVER, key)


def invite(room: RoomBuilder, third_party_invite: object, sender: str = BOB) -> Event:
    return room.build_member(sender, "invite", DAVE, third_party_invite=third_party_invite)


@cases.add("4.4.1.7")
def invite_signed_by_the_identity_servers_key(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    return room, invite(room, {"display_name": "Dave", "signed": signed_block()})


@cases.add("4.4.1.7")
def invite_signed_by_one_of_public_keys(rv: RoomVersion) -> Case:
    other_key = SigningKey.from_seed(b"o" * 32, "1")
    room = room_with_third_party_invite(
        rv, public_keys=[{"public_key": other_key.public_key_base64}]
    )
    return room, invite(room, {"display_name": "Dave", "signed": signed_block(key=other_key)})


@cases.add("4.4.1.8", allowed=False)
def invite_signed_by_an_unknown_key(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    forged = signed_block(key=SigningKey.from_seed(b"f" * 32, "0"))
    return room, invite(room, {"display_name": "Dave", "signed": forged})


@cases.add("4.4.1.8", allowed=False)
def invite_whose_signed_block_was_altered(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    return room, invite(room, {"signed": signed_block() | {"extra": "field"}})


@cases.add("4.4.1.1", allowed=False)
def third_party_invite_of_a_banned_user(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    room.send_member(BOB, "ban", DAVE)
    return room, invite(room, {"display_name": "Dave", "signed": signed_block()})


@cases.add("4.4.1.2", allowed=False)
def third_party_invite_without_signed(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    return room, invite(room, {"display_name": "Dave"})


@cases.add("4.4.1.3", allowed=False)
def third_party_invite_without_token(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    signed = {k: v for k, v in signed_block().items() if k != "token"}
    return room, invite(room, {"display_name": "Dave", "signed": signed})


@cases.add("4.4.1.4", allowed=False)
def third_party_invite_for_another_user(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    return room, invite(room, {"display_name": "Dave", "signed": signed_block(mxid=CAROL)})


@cases.add("4.4.1.5", allowed=False)
def third_party_invite_with_an_unknown_token(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    return room, invite(room, {"display_name": "Dave", "signed": signed_block(token="other")})


@cases.add("4.4.1.6", allowed=False)
def third_party_invite_completed_by_another_sender(rv: RoomVersion) -> Case:
    room = room_with_third_party_invite(rv)
    return room, invite(room, {"display_name": "Dave", "signed": signed_block()}, sender=CAROL)


@pytest.mark.parametrize(("auth_case", "room_version"), cases.parameters())
def test_third_party_invite_rules(auth_case: AuthCase, room_version: RoomVersion) -> None:
    run_case(auth_case, room_version)
