"""A user's stored rules and the /pushrules operations (CS API "Push Rules: API")."""

import json

import pytest

from closedserver.matrix.push import (
    InvalidRule,
    MalformedRule,
    PushRuleNotFound,
    PushRules,
    default_rules,
)

ALICE = "@alice:example.com"
NOTIFY = {"actions": ["notify"]}


def content_rule(pattern: str) -> dict:
    return {"pattern": pattern, "actions": ["notify"]}


# Reading -------------------------------------------------------------------------------

def test_new_user_sees_the_default_rules():
    assert PushRules(ALICE).client_rulesets() == {"global": default_rules(ALICE)}


def test_ruleset_has_every_kind():
    assert set(PushRules(ALICE).global_ruleset()) == {
        "override", "content", "room", "sender", "underride"}


def test_get_rule_matches_the_spec_example():
    rules = PushRules(ALICE)
    rules.put_rule("content", "nocake", {"pattern": "cake*lie", "actions": []})
    assert rules.get_rule("content", "nocake") == {
        "actions": [], "pattern": "cake*lie", "rule_id": "nocake", "enabled": True,
        "default": False}


def test_get_default_rule():
    rule = PushRules(ALICE).get_rule("override", ".m.rule.master")
    assert rule == {"rule_id": ".m.rule.master", "default": True, "enabled": False,
                    "conditions": [], "actions": []}


@pytest.mark.parametrize(("kind", "rule_id"), [
    ("content", "nocake"),
    ("override", ".m.rule.nonexistent"),
    ("underride", ".m.rule.master"),  # master is an override rule
    ("override", ".m.rule.contains_display_name"),  # removed from the spec
])
def test_get_missing_rule(kind, rule_id):
    with pytest.raises(PushRuleNotFound):
        PushRules(ALICE).get_rule(kind, rule_id)


def test_unknown_kind_is_invalid():
    with pytest.raises(InvalidRule):
        PushRules(ALICE).get_rule("global", ".m.rule.master")


def test_user_rules_of_a_kind_do_not_clash_with_another_kind():
    rules = PushRules(ALICE)
    rules.put_rule("override", "same", NOTIFY)
    with pytest.raises(PushRuleNotFound):
        rules.get_rule("underride", "same")


def test_rule_shapes_per_kind():
    rules = PushRules(ALICE)
    rules.put_rule("override", "o", {"actions": [], "pattern": "ignored"})
    rules.put_rule("content", "c", {"pattern": "p", "actions": [], "conditions": []})
    rules.put_rule("room", "!r:hs", {"actions": [], "conditions": [], "pattern": "x"})
    rules.put_rule("sender", "@s:hs", {"actions": []})
    assert rules.get_rule("override", "o") == {
        "rule_id": "o", "enabled": True, "conditions": [], "actions": [], "default": False}
    assert rules.get_rule("content", "c") == {
        "rule_id": "c", "enabled": True, "pattern": "p", "actions": [], "default": False}
    assert rules.get_rule("room", "!r:hs") == {
        "rule_id": "!r:hs", "enabled": True, "actions": [], "default": False}
    assert rules.get_rule("sender", "@s:hs") == {
        "rule_id": "@s:hs", "enabled": True, "actions": [], "default": False}


def test_returned_rules_are_copies():
    rules = PushRules(ALICE)
    rules.put_rule("content", "c", content_rule("cake"))
    rules.get_rule("content", "c")["actions"].append("changed")
    rules.global_ruleset()["content"][0]["pattern"] = "changed"
    assert rules.get_rule("content", "c") == {
        "rule_id": "c", "enabled": True, "pattern": "cake", "actions": ["notify"],
        "default": False}


# Validation ----------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "rule_id"), [
    ("override", ".m.rule.master"),  # reserved, even though it exists
    ("override", ".mine"),
    ("content", "a/b"),
    ("content", "a\\b"),
    ("content", ""),
    ("room", "#alias:example.com"),
    ("room", "@alice:example.com"),
    ("sender", "!room:example.com"),
    ("sender", "alice"),
    ("global", "x"),
])
def test_rule_ids_users_cannot_create(kind, rule_id):
    rules = PushRules(ALICE)
    with pytest.raises(InvalidRule) as raised:
        rules.put_rule(kind, rule_id, NOTIFY)
    assert not isinstance(raised.value, MalformedRule)
    assert rules.version == 0


@pytest.mark.parametrize(("kind", "body"), [
    ("override", {}),
    ("override", []),
    ("override", {"actions": "notify"}),
    ("override", {"actions": ["notify", "explode"]}),
    ("override", {"actions": [{"value": "x"}]}),
    ("override", {"actions": [{"set_tweak": 5}]}),
    ("override", {"actions": [42]}),
    ("override", {"actions": [], "conditions": {}}),
    ("override", {"actions": [], "conditions": [{"key": "type"}]}),
    ("underride", {"actions": [], "conditions": [{"kind": "event_match", "key": "type"}]}),
    ("override", {"actions": [], "conditions": [{"kind": "room_member_count", "is": "lots"}]}),
    ("override", {"actions": [], "conditions": [
        {"kind": "event_property_is", "key": "content.x", "value": {"a": 1}}]}),
    ("content", {"actions": []}),
    ("content", {"actions": [], "pattern": 5}),
])
def test_malformed_bodies(kind, body):
    rules = PushRules(ALICE)
    with pytest.raises(MalformedRule):
        rules.put_rule(kind, "r", body)
    assert rules.version == 0


def test_unknown_condition_kinds_are_stored():
    rules = PushRules(ALICE)
    condition = {"kind": "org.example.future", "param": [1, 2]}
    rules.put_rule("override", "future", {"actions": [], "conditions": [condition]})
    assert rules.get_rule("override", "future")["conditions"] == [condition]


def test_legacy_actions_are_stripped_on_write():
    rules = PushRules(ALICE)
    rules.put_rule("sender", "@spam:example.com", {"actions": ["dont_notify", "coalesce"]})
    assert rules.get_actions("sender", "@spam:example.com") == []


def test_tweaks_are_kept_as_given():
    rules = PushRules(ALICE)
    actions = ["notify", {"set_tweak": "sound", "value": "cakealarm.wav"},
               {"set_tweak": "highlight", "value": False}, {"set_tweak": "org.x", "value": {}}]
    rules.put_rule("content", "c", {"pattern": "cake", "actions": actions})
    assert rules.get_actions("content", "c") == actions


# Deleting ------------------------------------------------------------------------------

def test_delete_user_rule():
    rules = PushRules(ALICE)
    rules.put_rule("room", "!r:example.com", {"actions": []})
    rules.delete_rule("room", "!r:example.com")
    with pytest.raises(PushRuleNotFound):
        rules.get_rule("room", "!r:example.com")


def test_delete_missing_rule():
    with pytest.raises(PushRuleNotFound):
        PushRules(ALICE).delete_rule("room", "!r:example.com")


def test_default_rules_cannot_be_deleted():
    rules = PushRules(ALICE)
    with pytest.raises(InvalidRule):
        rules.delete_rule("underride", ".m.rule.message")
    assert rules.get_rule("underride", ".m.rule.message")["enabled"] is True


# Enabled and actions -------------------------------------------------------------------

def test_enable_master_rule_and_back():
    rules = PushRules(ALICE)
    rules.set_enabled("override", ".m.rule.master", True)
    assert rules.get_enabled("override", ".m.rule.master") is True
    assert rules.to_document()["defaults"] == {
        "override": {".m.rule.master": {"enabled": True}}}
    rules.set_enabled("override", ".m.rule.master", False)
    assert rules.get_enabled("override", ".m.rule.master") is False
    assert rules.to_document()["defaults"] == {}


def test_set_actions_of_a_default_rule():
    rules = PushRules(ALICE)
    actions = ["notify", {"set_tweak": "highlight"}]
    rules.set_actions("underride", ".m.rule.message", actions)
    assert rules.get_actions("underride", ".m.rule.message") == actions
    assert rules.get_rule("underride", ".m.rule.message")["default"] is True
    assert rules.get_enabled("underride", ".m.rule.message") is True


def test_set_enabled_and_actions_of_a_user_rule():
    rules = PushRules(ALICE)
    rules.put_rule("content", "c", content_rule("cake"))
    rules.set_enabled("content", "c", False)
    rules.set_actions("content", "c", [])
    assert rules.get_rule("content", "c") == {
        "rule_id": "c", "enabled": False, "pattern": "cake", "actions": [], "default": False}


def test_enabled_must_be_boolean():
    with pytest.raises(MalformedRule):
        PushRules(ALICE).set_enabled("override", ".m.rule.master", "true")


def test_set_actions_is_checked():
    with pytest.raises(MalformedRule):
        PushRules(ALICE).set_actions("override", ".m.rule.master", ["explode"])


@pytest.mark.parametrize("operation", ["get_enabled", "get_actions"])
def test_reading_missing_rule(operation):
    with pytest.raises(PushRuleNotFound):
        getattr(PushRules(ALICE), operation)("content", "nope")


@pytest.mark.parametrize(("operation", "value"), [("set_enabled", True), ("set_actions", [])])
def test_changing_missing_rule(operation, value):
    rules = PushRules(ALICE)
    with pytest.raises(PushRuleNotFound):
        getattr(rules, operation)("content", "nope", value)
    with pytest.raises(PushRuleNotFound):
        getattr(rules, operation)("override", ".m.rule.contains_user_name", value)
    assert rules.version == 0


# The stored document -------------------------------------------------------------------

def test_document_round_trips_through_json():
    rules = PushRules(ALICE)
    rules.put_rule("override", "o", {"actions": ["notify"], "conditions": [
        {"kind": "event_match", "key": "content.m\\.relates_to.rel_type", "pattern": "x"}]})
    rules.put_rule("content", "c", content_rule("cake"))
    rules.put_rule("room", "!r:example.com", {"actions": []})
    rules.set_enabled("override", ".m.rule.master", True)
    rules.set_actions("underride", ".m.rule.message", [])
    reloaded = PushRules(ALICE, json.loads(json.dumps(rules.to_document())))
    assert reloaded.client_rulesets() == rules.client_rulesets()
    assert reloaded.version == rules.version == 5


def test_document_format():
    rules = PushRules(ALICE)
    rules.put_rule("content", "c", content_rule("cake"))
    rules.set_actions("underride", ".m.rule.message", [])
    assert rules.to_document() == {
        "version": 2,
        "rules": {"content": [{"rule_id": "c", "enabled": True, "pattern": "cake",
                               "actions": ["notify"]}]},
        "defaults": {"underride": {".m.rule.message": {"actions": []}}},
    }


def test_every_change_increments_the_version():
    rules = PushRules(ALICE, {"version": 41})
    rules.put_rule("content", "c", content_rule("cake"))
    rules.set_enabled("content", "c", False)
    rules.set_actions("content", "c", [])
    rules.delete_rule("content", "c")
    assert rules.version == 45


def test_the_document_is_not_shared_with_the_caller():
    document = {"version": 1, "rules": {"content": [
        {"rule_id": "c", "enabled": True, "pattern": "cake", "actions": []}]}}
    rules = PushRules(ALICE, document)
    rules.set_enabled("content", "c", False)
    assert document["rules"]["content"][0]["enabled"] is True
    rules.to_document()["rules"]["content"][0]["enabled"] = True
    assert rules.get_enabled("content", "c") is False


def test_changes_to_defaults_no_longer_in_the_spec_are_ignored():
    document = {"version": 3, "defaults": {
        "override": {".m.rule.roomnotif": {"enabled": False}}}}
    assert PushRules(ALICE, document).global_ruleset() == default_rules(ALICE)
