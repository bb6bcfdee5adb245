"""The server-default rules equal the spec's "Predefined Rules" (CS API push module)."""

import json

import pytest

from closedserver.matrix.push import KINDS, default_rules

USER_ID = "@alice:example.com"

# The "Definition" blocks of push.md, in the spec's order, copied verbatim ("[the user's
# Matrix ID]" is substituted in `spec_rules`).
SPEC_OVERRIDE_RULES = r"""
[
  {
    "rule_id": ".m.rule.master",
    "default": true,
    "enabled": false,
    "conditions": [],
    "actions": []
  },
  {
    "rule_id": ".m.rule.suppress_notices",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_match",
        "key": "content.msgtype",
        "pattern": "m.notice"
      }
    ],
    "actions": []
  },
  {
    "rule_id": ".m.rule.invite_for_me",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "key": "type",
        "kind": "event_match",
        "pattern": "m.room.member"
      },
      {
        "key": "content.membership",
        "kind": "event_match",
        "pattern": "invite"
      },
      {
        "key": "state_key",
        "kind": "event_match",
        "pattern": "[the user's Matrix ID]"
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "sound",
        "value": "default"
      }
    ]
  },
  {
    "rule_id": ".m.rule.member_event",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "key": "type",
        "kind": "event_match",
        "pattern": "m.room.member"
      }
    ],
    "actions": []
  },
  {
    "rule_id": ".m.rule.is_user_mention",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_property_contains",
        "key": "content.m\\.mentions.user_ids",
        "value": "[the user's Matrix ID]"
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "sound",
        "value": "default"
      },
      {
        "set_tweak": "highlight"
      }
    ]
  },
  {
    "rule_id": ".m.rule.is_room_mention",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_property_is",
        "key": "content.m\\.mentions.room",
        "value": true
      },
      {
        "kind": "sender_notification_permission",
        "key": "room"
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "highlight"
      }
    ]
  },
  {
    "rule_id": ".m.rule.tombstone",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.room.tombstone"
      },
      {
        "kind": "event_match",
        "key": "state_key",
        "pattern": ""
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "highlight"
      }
    ]
  },
  {
    "rule_id": ".m.rule.reaction",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.reaction"
      }
    ],
    "actions": []
  },
  {
    "rule_id": ".m.rule.room.server_acl",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.room.server_acl"
      },
      {
        "kind": "event_match",
        "key": "state_key",
        "pattern": ""
      }
    ],
    "actions": []
  },
  {
    "rule_id": ".m.rule.suppress_edits",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_property_is",
        "key": "content.m\\.relates_to.rel_type",
        "value": "m.replace"
      }
    ],
    "actions": []
  }
]
"""

SPEC_UNDERRIDE_RULES = r"""
[
  {
    "rule_id": ".m.rule.call",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "key": "type",
        "kind": "event_match",
        "pattern": "m.call.invite"
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "sound",
        "value": "ring"
      }
    ]
  },
  {
    "rule_id": ".m.rule.encrypted_room_one_to_one",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "room_member_count",
        "is": "2"
      },
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.room.encrypted"
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "sound",
        "value": "default"
      }
    ]
  },
  {
    "rule_id": ".m.rule.room_one_to_one",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "room_member_count",
        "is": "2"
      },
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.room.message"
      }
    ],
    "actions": [
      "notify",
      {
        "set_tweak": "sound",
        "value": "default"
      }
    ]
  },
  {
    "rule_id": ".m.rule.message",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.room.message"
      }
    ],
    "actions": [
      "notify"
    ]
  },
  {
    "rule_id": ".m.rule.encrypted",
    "default": true,
    "enabled": true,
    "conditions": [
      {
        "kind": "event_match",
        "key": "type",
        "pattern": "m.room.encrypted"
      }
    ],
    "actions": [
      "notify"
    ]
  }
]
"""


def spec_rules(text: str) -> list[dict]:
    return json.loads(text.replace("[the user's Matrix ID]", USER_ID))


def test_kinds_are_in_the_order_they_are_checked():
    assert KINDS == ("override", "content", "room", "sender", "underride")


def test_default_override_rules_are_the_spec_definitions_in_order():
    assert default_rules(USER_ID)["override"] == spec_rules(SPEC_OVERRIDE_RULES)


def test_default_underride_rules_are_the_spec_definitions_in_order():
    assert default_rules(USER_ID)["underride"] == spec_rules(SPEC_UNDERRIDE_RULES)


@pytest.mark.parametrize("kind", ["content", "room", "sender"])
def test_no_default_content_room_or_sender_rules_since_v1_17(kind):
    assert default_rules(USER_ID)[kind] == []


def test_default_rule_ids_in_order():
    rules = default_rules(USER_ID)
    assert [rule["rule_id"] for rule in rules["override"]] == [
        ".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me",
        ".m.rule.member_event", ".m.rule.is_user_mention", ".m.rule.is_room_mention",
        ".m.rule.tombstone", ".m.rule.reaction", ".m.rule.room.server_acl",
        ".m.rule.suppress_edits",
    ]
    assert [rule["rule_id"] for rule in rules["underride"]] == [
        ".m.rule.call", ".m.rule.encrypted_room_one_to_one", ".m.rule.room_one_to_one",
        ".m.rule.message", ".m.rule.encrypted",
    ]


def test_legacy_body_mention_rules_are_gone():
    rule_ids = {rule["rule_id"] for rules in default_rules(USER_ID).values() for rule in rules}
    assert not rule_ids & {".m.rule.contains_display_name", ".m.rule.contains_user_name",
                           ".m.rule.roomnotif"}


def test_only_the_master_rule_is_disabled_by_default():
    rules = default_rules(USER_ID)
    disabled = [rule["rule_id"] for kind in KINDS for rule in rules[kind] if not rule["enabled"]]
    assert disabled == [".m.rule.master"]


def test_user_specific_rules_name_the_user():
    rules = {rule["rule_id"]: rule for rule in default_rules("@bob:hs")["override"]}
    assert rules[".m.rule.invite_for_me"]["conditions"][2] == {
        "key": "state_key", "kind": "event_match", "pattern": "@bob:hs"}
    assert rules[".m.rule.is_user_mention"]["conditions"][0]["value"] == "@bob:hs"


def test_each_call_returns_fresh_objects():
    first = default_rules(USER_ID)
    first["override"][0]["enabled"] = True
    first["underride"][0]["actions"].append("notify")
    assert default_rules(USER_ID) == {
        "override": spec_rules(SPEC_OVERRIDE_RULES), "content": [], "room": [], "sender": [],
        "underride": spec_rules(SPEC_UNDERRIDE_RULES)}
