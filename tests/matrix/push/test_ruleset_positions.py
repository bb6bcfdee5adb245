"""Where rules go: user rules against server-default rules, and PUT's `before`/`after`
(CS API "Push Rules: API", "Predefined Rules")."""

import pytest

from closedserver.matrix.push import PushRules, UnknownPosition

ALICE = "@alice:example.com"
NOTIFY = {"actions": ["notify"]}


def rule_ids(rules: PushRules, kind: str) -> list[str]:
    return [rule["rule_id"] for rule in rules.global_ruleset()[kind]]


def user_rule_ids(rules: PushRules, kind: str) -> list[str]:
    return [rule["rule_id"] for rule in rules.global_ruleset()[kind] if not rule["default"]]


def content_rule(pattern: str) -> dict:
    return {"pattern": pattern, "actions": ["notify"]}


def test_master_stays_first_and_user_overrides_precede_other_defaults():
    rules = PushRules(ALICE)
    rules.put_rule("override", "mine", NOTIFY)
    assert rule_ids(rules, "override")[:3] == [
        ".m.rule.master", "mine", ".m.rule.suppress_notices"]


def test_user_underrides_precede_default_underrides():
    rules = PushRules(ALICE)
    rules.put_rule("underride", "mine", NOTIFY)
    assert rule_ids(rules, "underride")[:2] == ["mine", ".m.rule.call"]


def test_new_rule_without_position_is_the_most_important():
    rules = PushRules(ALICE)
    rules.put_rule("content", "a", content_rule("a"))
    rules.put_rule("content", "b", content_rule("b"))
    assert user_rule_ids(rules, "content") == ["b", "a"]


def test_replaced_rule_keeps_its_place_and_enabled_state():
    rules = PushRules(ALICE)
    for name in ("c", "b", "a"):
        rules.put_rule("content", name, content_rule(name))
    rules.set_enabled("content", "b", False)
    rules.put_rule("content", "b", content_rule("new"))
    assert user_rule_ids(rules, "content") == ["a", "b", "c"]
    assert rules.get_rule("content", "b")["enabled"] is False
    assert rules.get_rule("content", "b")["pattern"] == "new"


def test_before_places_the_rule_just_above():
    rules = PushRules(ALICE)
    for name in ("c", "b", "a"):
        rules.put_rule("content", name, content_rule(name))
    rules.put_rule("content", "new", content_rule("x"), before="c")
    assert user_rule_ids(rules, "content") == ["a", "b", "new", "c"]


def test_after_places_the_rule_just_below():
    rules = PushRules(ALICE)
    for name in ("c", "b", "a"):
        rules.put_rule("content", name, content_rule(name))
    rules.put_rule("content", "new", content_rule("x"), after="a")
    assert user_rule_ids(rules, "content") == ["a", "new", "b", "c"]
    rules.put_rule("content", "last", content_rule("x"), after="c")
    assert user_rule_ids(rules, "content") == ["a", "new", "b", "c", "last"]


def test_before_wins_over_after():
    rules = PushRules(ALICE)
    for name in ("c", "b", "a"):
        rules.put_rule("content", name, content_rule(name))
    rules.put_rule("content", "new", content_rule("x"), before="c", after="a")
    assert user_rule_ids(rules, "content") == ["a", "b", "new", "c"]


def test_existing_rule_moves_with_before_or_after():
    rules = PushRules(ALICE)
    for name in ("c", "b", "a"):
        rules.put_rule("content", name, content_rule(name))
    rules.put_rule("content", "a", content_rule("a"), after="c")
    assert user_rule_ids(rules, "content") == ["b", "c", "a"]
    rules.put_rule("content", "a", content_rule("a"), before="b")
    assert user_rule_ids(rules, "content") == ["a", "b", "c"]


def test_spec_example_nocake_before_cake():
    rules = PushRules(ALICE)
    rules.put_rule("content", "SSByZWFsbHkgbGlrZSBjYWtl", {
        "pattern": "cake", "actions": ["notify", {"set_tweak": "sound",
                                                  "value": "cakealarm.wav"}]})
    rules.put_rule("content", "U3BvbmdlIGNha2UgaXMgYmVzdA", {
        "pattern": "cake*lie", "actions": ["notify"]}, before="SSByZWFsbHkgbGlrZSBjYWtl")
    assert user_rule_ids(rules, "content") == [
        "U3BvbmdlIGNha2UgaXMgYmVzdA", "SSByZWFsbHkgbGlrZSBjYWtl"]


@pytest.mark.parametrize("position", [{"before": "missing"}, {"after": "missing"},
                                      {"before": "self"}])
def test_position_relative_to_a_missing_rule(position):
    rules = PushRules(ALICE)
    rules.put_rule("content", "self", content_rule("x"))
    with pytest.raises(UnknownPosition, match="before/after rule not found"):
        rules.put_rule("content", "self", content_rule("y"), **position)
    assert rules.get_rule("content", "self")["pattern"] == "x"


def test_position_only_among_rules_of_the_same_kind():
    rules = PushRules(ALICE)
    rules.put_rule("override", "other-kind", NOTIFY)
    with pytest.raises(UnknownPosition):
        rules.put_rule("underride", "new", NOTIFY, before="other-kind")


def test_position_relative_to_a_server_default_rule_is_refused():
    with pytest.raises(UnknownPosition, match="server-default"):
        PushRules(ALICE).put_rule("override", "new", NOTIFY, after=".m.rule.master")
