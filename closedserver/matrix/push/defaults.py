"""The server-default push rules (CS API "Push Notifications" > "Predefined Rules").

Exactly the rules the current spec lists, in its order. Since v1.17 the legacy rules that
looked for mentions in `body` (`.m.rule.contains_display_name`,
`.m.rule.contains_user_name`, `.m.rule.roomnotif`) are no longer specified, so there are
no default content rules; mentions come from `m.mentions` (`.m.rule.is_user_mention`,
`.m.rule.is_room_mention`).

`.m.rule.master` is placed before the user's override rules; every other default rule
comes after the user's rules of its kind (see `ruleset.py`).
"""

from typing import Any

Rule = dict[str, Any]

KINDS: tuple[str, ...] = ("override", "content", "room", "sender", "underride")
"""Rule kinds in the order they are checked."""

MASTER_RULE_ID = ".m.rule.master"

_SOUND_DEFAULT = {"set_tweak": "sound", "value": "default"}
_HIGHLIGHT = {"set_tweak": "highlight"}


def _rule(rule_id: str, conditions: list[dict[str, Any]], actions: list[Any],
          enabled: bool = True) -> Rule:
    return {"rule_id": rule_id, "default": True, "enabled": enabled,
            "conditions": conditions, "actions": actions}


def _match(key: str, pattern: str) -> dict[str, Any]:
    return {"kind": "event_match", "key": key, "pattern": pattern}


def _override_rules(user_id: str) -> list[Rule]:
    return [
        _rule(MASTER_RULE_ID, [], [], enabled=False),
        _rule(".m.rule.suppress_notices", [_match("content.msgtype", "m.notice")], []),
        _rule(".m.rule.invite_for_me",
              [_match("type", "m.room.member"), _match("content.membership", "invite"),
               _match("state_key", user_id)],
              ["notify", dict(_SOUND_DEFAULT)]),
        _rule(".m.rule.member_event", [_match("type", "m.room.member")], []),
        _rule(".m.rule.is_user_mention",
              [{"kind": "event_property_contains", "key": "content.m\\.mentions.user_ids",
                "value": user_id}],
              ["notify", dict(_SOUND_DEFAULT), dict(_HIGHLIGHT)]),
        _rule(".m.rule.is_room_mention",
              [{"kind": "event_property_is", "key": "content.m\\.mentions.room", "value": True},
               {"kind": "sender_notification_permission", "key": "room"}],
              ["notify", dict(_HIGHLIGHT)]),
        _rule(".m.rule.tombstone",
              [_match("type", "m.room.tombstone"), _match("state_key", "")],
              ["notify", dict(_HIGHLIGHT)]),
        _rule(".m.rule.reaction", [_match("type", "m.reaction")], []),
        _rule(".m.rule.room.server_acl",
              [_match("type", "m.room.server_acl"), _match("state_key", "")], []),
        _rule(".m.rule.suppress_edits",
              [{"kind": "event_property_is", "key": "content.m\\.relates_to.rel_type",
                "value": "m.replace"}],
              []),
    ]


def _underride_rules() -> list[Rule]:
    one_to_one = {"kind": "room_member_count", "is": "2"}
    return [
        _rule(".m.rule.call", [_match("type", "m.call.invite")],
              ["notify", {"set_tweak": "sound", "value": "ring"}]),
        _rule(".m.rule.encrypted_room_one_to_one",
              [dict(one_to_one), _match("type", "m.room.encrypted")],
              ["notify", dict(_SOUND_DEFAULT)]),
        _rule(".m.rule.room_one_to_one",
              [dict(one_to_one), _match("type", "m.room.message")],
              ["notify", dict(_SOUND_DEFAULT)]),
        _rule(".m.rule.message", [_match("type", "m.room.message")], ["notify"]),
        _rule(".m.rule.encrypted", [_match("type", "m.room.encrypted")], ["notify"]),
    ]


def default_rules(user_id: str) -> dict[str, list[Rule]]:
    """The server-default rules for `user_id`, as a client-format ruleset
    (`{"override": [...], "content": [], "room": [], "sender": [], "underride": [...]}`).

    Returns fresh objects on every call, so callers may modify them.
    """
    return {
        "override": _override_rules(user_id),
        "content": [],
        "room": [],
        "sender": [],
        "underride": _underride_rules(),
    }
