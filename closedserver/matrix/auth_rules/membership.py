"""Authorization rule 4 (v12: 5): m.room.member events: join, invite (including invites
made from third-party invites), leave, ban and knock.

Rule 4.2 requires a member event naming `join_authorised_via_users_server` to be
*validly* signed by that user's server. Here we check that such a signature is present;
verifying it cryptographically needs that server's keys, so it happens on receipt
(`event_signing.servers_required_to_sign` lists that server), before the auth rules.
"""

from collections.abc import Callable, Mapping
from typing import Any

from closedserver.matrix.auth_rules.context import AuthContext
from closedserver.matrix.auth_rules.failure import fail
from closedserver.matrix.auth_rules.selection import THIRD_PARTY_INVITE
from closedserver.matrix.errors import SignatureError
from closedserver.matrix.ids import get_server_name, is_valid_user_id
from closedserver.matrix.signing import decode_verify_key, verify_json_signature

MEMBER = "m.room.member"


def check_member_event(ctx: AuthContext) -> None:
    event = ctx.event
    # 4.1: a state key and a `membership` are required.
    membership = event.content.get("membership")
    if event.state_key is None or membership is None:
        fail(ctx.room_version, "4.1", MEMBER, "a state_key and content.membership are required")
    # 4.2: an authorising user's server must have signed the event.
    _check_authorising_server_signed(ctx)
    check = _CHECKS.get(membership) if isinstance(membership, str) else None
    if check is None or (membership == "knock" and not ctx.room_version.knock_join_rule):
        # 4.8: unknown membership.
        fail(ctx.room_version, "4.8", MEMBER, f"unknown membership {membership!r}")
    check(ctx, event.state_key)


def _check_authorising_server_signed(ctx: AuthContext) -> None:
    content = ctx.event.content
    if "join_authorised_via_users_server" not in content:
        return
    authoriser = content["join_authorised_via_users_server"]
    if not isinstance(authoriser, str) or not is_valid_user_id(authoriser):
        fail(ctx.room_version, "4.2", MEMBER,
             f"join_authorised_via_users_server is not a user ID: {authoriser!r}")
    server_name = get_server_name(authoriser)
    if not ctx.event.signatures.get(server_name):
        fail(ctx.room_version, "4.2", MEMBER,
             f"not signed by {server_name}, the server of join_authorised_via_users_server")


def _check_join(ctx: AuthContext, target: str) -> None:
    event, rv = ctx.event, ctx.room_version
    # 4.3.1: the creator's own join right after the create event.
    if event.prev_event_ids == (ctx.create_event.event_id,) and target == _first_creator(ctx):
        return
    # 4.3.2: nobody can be joined by someone else.
    if event.sender != target:
        fail(rv, "4.3.2", "m.room.member join", f"{event.sender} cannot join {target}")
    current = ctx.membership_of(target)
    # 4.3.3: banned users cannot join.
    if current == "ban":
        fail(rv, "4.3.3", "m.room.member join", f"{target} is banned")
    join_rule = ctx.join_rule
    # 4.3.4: invite (or knock) rooms need an invite or an existing join.
    if join_rule == "invite" or (join_rule == "knock" and rv.knock_join_rule):
        if current in ("invite", "join"):
            return
        fail(rv, "4.3.4", "m.room.member join",
             f"join rule is {join_rule} and {target} is not invited")
    # 4.3.5: restricted rooms: an invite, an existing join, or an authorising user.
    if (join_rule == "restricted" and rv.restricted_join_rule) or (
        join_rule == "knock_restricted" and rv.knock_restricted_join_rule
    ):
        if current in ("join", "invite"):
            return
        _check_join_authoriser(ctx)
        return
    # 4.3.6: public rooms; 4.3.7: anything else is rejected.
    if join_rule != "public":
        fail(rv, "4.3.7", "m.room.member join", f"join rule {join_rule!r} does not allow joins")


def _first_creator(ctx: AuthContext) -> str | None:
    """v10: `content.creator` of the create event; v11 and v12: its sender."""
    if ctx.room_version.create_event_requires_creator:
        creator = ctx.create_event.content.get("creator")
        return creator if isinstance(creator, str) else None
    return ctx.create_event.sender


def _check_join_authoriser(ctx: AuthContext) -> None:
    # 4.3.5.2: the authorising user must be joined and able to invite.
    authoriser = ctx.event.content.get("join_authorised_via_users_server")
    topic = "m.room.member restricted join"
    if not isinstance(authoriser, str):
        fail(ctx.room_version, "4.3.5.2", topic, "no join_authorised_via_users_server")
    if ctx.membership_of(authoriser) != "join":
        fail(ctx.room_version, "4.3.5.2", topic, f"authorising user {authoriser} is not joined")
    level, invite_level = ctx.level_of(authoriser), ctx.named_level("invite")
    if level < invite_level:
        fail(ctx.room_version, "4.3.5.2", topic,
             f"authorising user's power level {level} < invite level {invite_level}")
    # 4.3.5.3: otherwise, allow.


def _check_invite(ctx: AuthContext, target: str) -> None:
    event, rv, topic = ctx.event, ctx.room_version, "m.room.member invite"
    # 4.4.1: invites made from a third-party invite.
    if "third_party_invite" in event.content:
        _check_third_party_invite(ctx, target)
        return
    # 4.4.2: the sender must be joined.
    if ctx.membership_of(event.sender) != "join":
        fail(rv, "4.4.2", topic, f"{event.sender} is not joined")
    # 4.4.3: joined or banned users cannot be invited.
    target_membership = ctx.membership_of(target)
    if target_membership in ("join", "ban"):
        fail(rv, "4.4.3", topic, f"{target}'s membership is {target_membership}")
    # 4.4.4: the sender needs the invite level; 4.4.5: otherwise reject.
    level, invite_level = ctx.level_of(event.sender), ctx.named_level("invite")
    if level < invite_level:
        fail(rv, "4.4.5", topic, f"sender's power level {level} < invite level {invite_level}")


def _check_third_party_invite(ctx: AuthContext, target: str) -> None:
    rv, topic = ctx.room_version, "m.room.member third-party invite"
    # 4.4.1.1: banned users cannot be invited.
    if ctx.membership_of(target) == "ban":
        fail(rv, "4.4.1.1", topic, f"{target} is banned")
    third_party_invite = ctx.event.content["third_party_invite"]
    # 4.4.1.2: a `signed` object is required; 4.4.1.3: with `mxid` and `token`.
    signed = third_party_invite.get("signed") if isinstance(third_party_invite, Mapping) else None
    if not isinstance(signed, Mapping):
        fail(rv, "4.4.1.2", topic, "third_party_invite has no 'signed' object")
    if "mxid" not in signed or "token" not in signed:
        fail(rv, "4.4.1.3", topic, "third_party_invite.signed needs 'mxid' and 'token'")
    # 4.4.1.4: `mxid` must be the invited user.
    if signed["mxid"] != target:
        fail(rv, "4.4.1.4", topic, f"signed mxid {signed['mxid']!r} is not {target}")
    # 4.4.1.5: the m.room.third_party_invite for the token must be in the state.
    token = signed["token"]
    invite_event = ctx.state.get((THIRD_PARTY_INVITE, token)) if isinstance(token, str) else None
    if invite_event is None:
        fail(rv, "4.4.1.5", topic, f"no m.room.third_party_invite for token {token!r}")
    # 4.4.1.6: whoever made that invite must send this one.
    if ctx.event.sender != invite_event.sender:
        fail(rv, "4.4.1.6", topic, f"the third-party invite was sent by {invite_event.sender}")
    # 4.4.1.7: a signature in `signed` by one of its public keys allows; 4.4.1.8 rejects.
    if not _signed_by_any_key(signed, _public_keys(invite_event.content)):
        fail(rv, "4.4.1.8", topic, "'signed' carries no valid signature from the invite's keys")


def _public_keys(content: Mapping[str, Any]) -> list[str]:
    keys = []
    if isinstance(content.get("public_key"), str):
        keys.append(content["public_key"])
    public_keys = content.get("public_keys")
    for entry in public_keys if isinstance(public_keys, list) else ():
        if isinstance(entry, Mapping) and isinstance(entry.get("public_key"), str):
            keys.append(entry["public_key"])
    return keys


def _signed_by_any_key(signed: Mapping[str, Any], public_keys: list[str]) -> bool:
    signatures = signed.get("signatures")
    if not isinstance(signatures, Mapping):
        return False
    for public_key in public_keys:
        try:
            verify_key = decode_verify_key(public_key)
        except SignatureError:
            continue
        for server_name, server_signatures in signatures.items():
            if not isinstance(server_signatures, Mapping):
                continue
            for key_id in server_signatures:
                if not str(key_id).startswith("ed25519:"):
                    continue
                try:
                    verify_json_signature(signed, server_name, key_id, verify_key)
                except SignatureError:
                    continue
                return True
    return False


def _check_leave(ctx: AuthContext, target: str) -> None:
    event, rv, topic = ctx.event, ctx.room_version, "m.room.member leave"
    # 4.5.1: leaving yourself needs a current invite, join or knock.
    if event.sender == target:
        current = ctx.membership_of(target)
        if current not in ("invite", "join", "knock"):
            fail(rv, "4.5.1", topic, f"{target} cannot leave with membership {current}")
        return
    # 4.5.2: kicking (or unbanning) needs the sender to be joined.
    if ctx.membership_of(event.sender) != "join":
        fail(rv, "4.5.2", topic, f"{event.sender} is not joined")
    sender_level, target_level = ctx.level_of(event.sender), ctx.level_of(target)
    # 4.5.3: unbanning needs the ban level.
    ban_level = ctx.named_level("ban")
    if ctx.membership_of(target) == "ban" and sender_level < ban_level:
        fail(rv, "4.5.3", topic, f"sender's power level {sender_level} < ban level {ban_level}")
    # 4.5.4: the kick level, and a target below the sender; 4.5.5: otherwise reject.
    kick_level = ctx.named_level("kick")
    if sender_level < kick_level:
        fail(rv, "4.5.5", topic, f"sender's power level {sender_level} < kick level {kick_level}")
    if target_level >= sender_level:
        fail(rv, "4.5.5", topic,
             f"target's power level {target_level} >= sender's power level {sender_level}")


def _check_ban(ctx: AuthContext, target: str) -> None:
    event, rv, topic = ctx.event, ctx.room_version, "m.room.member ban"
    # 4.6.1: the sender must be joined.
    if ctx.membership_of(event.sender) != "join":
        fail(rv, "4.6.1", topic, f"{event.sender} is not joined")
    # 4.6.2: the ban level, and a target below the sender; 4.6.3: otherwise reject.
    sender_level, target_level = ctx.level_of(event.sender), ctx.level_of(target)
    ban_level = ctx.named_level("ban")
    if sender_level < ban_level:
        fail(rv, "4.6.3", topic, f"sender's power level {sender_level} < ban level {ban_level}")
    if target_level >= sender_level:
        fail(rv, "4.6.3", topic,
             f"target's power level {target_level} >= sender's power level {sender_level}")


def _check_knock(ctx: AuthContext, target: str) -> None:
    event, rv, topic = ctx.event, ctx.room_version, "m.room.member knock"
    # 4.7.1: only knock and knock_restricted rooms accept knocks.
    join_rule = ctx.join_rule
    if join_rule != "knock" and not (
        join_rule == "knock_restricted" and rv.knock_restricted_join_rule
    ):
        fail(rv, "4.7.1", topic, f"join rule {join_rule!r} does not allow knocking")
    # 4.7.2: nobody can knock for someone else.
    if event.sender != target:
        fail(rv, "4.7.2", topic, f"{event.sender} cannot knock for {target}")
    # 4.7.3: allowed unless banned, invited or joined; 4.7.4: otherwise reject.
    current = ctx.membership_of(target)
    if current in ("ban", "invite", "join"):
        fail(rv, "4.7.4", topic, f"{target} cannot knock with membership {current}")


_CHECKS: dict[str, Callable[[AuthContext, str], None]] = {
    "join": _check_join,
    "invite": _check_invite,
    "leave": _check_leave,
    "ban": _check_ban,
    "knock": _check_knock,
}
