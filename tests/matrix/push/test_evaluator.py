"""Evaluating a user's rules for an event (CS API "Push Rules", "Predefined Rules")."""

import pytest

from closedserver.matrix.push import (
    PushContext,
    PushEvent,
    PushRules,
    RulesetCache,
    compile_ruleset,
    highlight,
    notify,
    sound,
)

ALICE = "@alice:example.org"
BOB = "@bob:example.org"
ROOM = "!room:example.org"

NOTIFY = ["notify"]
NOTIFY_SOUND = ["notify", {"set_tweak": "sound", "value": "default"}]
MENTION = ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]
ROOM_MENTION = ["notify", {"set_tweak": "highlight"}]


def message(body: str = "hello", sender: str = BOB, **content) -> dict:
    return {"type": "m.room.message", "sender": sender, "room_id": ROOM, "event_id": "$m",
            "content": {"msgtype": "m.text", "body": body, **content}}


def state(event_type: str, state_key: str = "", sender: str = BOB, **content) -> dict:
    return {"type": event_type, "sender": sender, "room_id": ROOM, "event_id": "$s",
            "state_key": state_key, "content": content}


def context(members: int = 5, **fields) -> PushContext:
    return PushContext(**{"user_id": ALICE, "room_member_count": members, **fields})


def evaluate(ev: dict, rules: PushRules | None = None, **ctx) -> list:
    compiled = compile_ruleset((rules or PushRules(ALICE)).global_ruleset())
    return compiled.evaluate(ev, context(**ctx))


def matched_rule(ev: dict, rules: PushRules | None = None, **ctx) -> str | None:
    compiled = compile_ruleset((rules or PushRules(ALICE)).global_ruleset())
    rule = compiled.first_match(ev, context(**ctx))
    return rule.rule_id if rule else None


# Default rules -------------------------------------------------------------------------

def test_group_message_notifies_without_sound():
    assert matched_rule(message()) == ".m.rule.message"
    assert evaluate(message()) == NOTIFY


def test_one_to_one_message_notifies_with_sound():
    assert matched_rule(message(), members=2) == ".m.rule.room_one_to_one"
    assert evaluate(message(), members=2) == NOTIFY_SOUND


def test_encrypted_group_event_notifies():
    ev = {**message(), "type": "m.room.encrypted", "content": {"algorithm": "m.megolm.v1"}}
    assert matched_rule(ev) == ".m.rule.encrypted"
    assert evaluate(ev) == NOTIFY


def test_encrypted_one_to_one_event_notifies_with_sound():
    ev = {**message(), "type": "m.room.encrypted", "content": {"algorithm": "m.megolm.v1"}}
    assert matched_rule(ev, members=2) == ".m.rule.encrypted_room_one_to_one"
    assert evaluate(ev, members=2) == NOTIFY_SOUND


def test_notice_is_suppressed():
    ev = message(msgtype="m.notice")
    assert matched_rule(ev) == ".m.rule.suppress_notices"
    assert evaluate(ev) == []


def test_user_mention_highlights():
    ev = message("hey", **{"m.mentions": {"user_ids": [ALICE]}})
    actions = evaluate(ev)
    assert matched_rule(ev) == ".m.rule.is_user_mention"
    assert actions == MENTION
    assert notify(actions) and highlight(actions) and sound(actions) == "default"


def test_mention_of_someone_else_is_a_plain_message():
    ev = message("hey", **{"m.mentions": {"user_ids": ["@carol:example.org"]}})
    assert evaluate(ev) == NOTIFY


def test_body_mention_without_m_mentions_is_not_a_highlight():
    # The legacy body-matching rules were removed in v1.17.
    assert not highlight(evaluate(message("alice: @room look"), display_name="alice"))


def test_room_mention_highlights_when_sender_has_permission():
    ev = message("everyone!", **{"m.mentions": {"room": True}})
    levels = {"users": {BOB: 50}}
    assert matched_rule(ev, power_levels=levels) == ".m.rule.is_room_mention"
    assert evaluate(ev, power_levels=levels) == ROOM_MENTION


def test_room_mention_from_unprivileged_sender_is_a_plain_message():
    ev = message("everyone!", **{"m.mentions": {"room": True}})
    assert evaluate(ev, power_levels={"users": {BOB: 0}}) == NOTIFY


def test_room_mention_must_be_boolean_true():
    ev = message("everyone!", **{"m.mentions": {"room": "true"}})
    assert evaluate(ev, power_levels={"users": {BOB: 100}}) == NOTIFY


def test_invite_for_me_notifies_with_sound():
    ev = state("m.room.member", ALICE, membership="invite")
    assert matched_rule(ev) == ".m.rule.invite_for_me"
    assert evaluate(ev) == NOTIFY_SOUND


def test_other_member_events_are_silent():
    assert matched_rule(state("m.room.member", "@carol:example.org", membership="invite")) \
        == ".m.rule.member_event"
    assert evaluate(state("m.room.member", BOB, membership="join")) == []


def test_tombstone_state_event_highlights():
    ev = state("m.room.tombstone", body="moved", replacement_room="!new:example.org")
    assert evaluate(ev) == ROOM_MENTION


def test_tombstone_needs_an_empty_state_key():
    ev = state("m.room.tombstone", "not-empty", replacement_room="!new:example.org")
    assert evaluate(ev) == []
    no_state_key = {k: v for k, v in ev.items() if k != "state_key"}
    assert evaluate(no_state_key) == []


def test_reactions_are_silent():
    ev = {**message(), "type": "m.reaction",
          "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$m",
                                       "key": "+1"}}}
    assert matched_rule(ev) == ".m.rule.reaction"
    assert evaluate(ev, members=2) == []


def test_server_acl_is_silent():
    assert matched_rule(state("m.room.server_acl", allow=["*"])) == ".m.rule.room.server_acl"


def test_edits_are_silent_even_in_one_to_one_rooms():
    ev = message("* fixed", **{"m.new_content": {"body": "fixed"},
                               "m.relates_to": {"rel_type": "m.replace", "event_id": "$m"}})
    assert matched_rule(ev, members=2) == ".m.rule.suppress_edits"
    assert evaluate(ev, members=2) == []


def test_call_invite_rings():
    ev = {**message(), "type": "m.call.invite", "content": {"call_id": "c", "version": 1}}
    assert evaluate(ev) == ["notify", {"set_tweak": "sound", "value": "ring"}]


def test_other_events_do_not_notify():
    assert evaluate(state("m.room.topic", topic="new topic")) == []
    assert matched_rule(state("m.room.topic", topic="new topic")) is None


def test_own_events_never_notify():
    assert evaluate(message(sender=ALICE, **{"m.mentions": {"user_ids": [ALICE]}})) == []


def test_event_types_match_case_insensitively():
    assert evaluate({**message(), "type": "M.Room.Message"}) == NOTIFY


@pytest.mark.parametrize("event_type", [None, 5, "", ["m.room.message"], {}])
def test_events_with_odd_types_do_not_notify(event_type):
    assert evaluate({**message(), "type": event_type}) == []


# The user's changes --------------------------------------------------------------------

def test_master_rule_silences_everything_including_user_overrides():
    rules = PushRules(ALICE)
    rules.put_rule("override", "everything", {"conditions": [], "actions": ["notify"]})
    rules.set_enabled("override", ".m.rule.master", True)
    assert evaluate(message(**{"m.mentions": {"user_ids": [ALICE]}}), rules) == []
    assert matched_rule(message(), rules) == ".m.rule.master"


def test_disabled_default_rule_is_skipped():
    rules = PushRules(ALICE)
    rules.set_enabled("override", ".m.rule.suppress_notices", False)
    assert evaluate(message(msgtype="m.notice"), rules) == NOTIFY


def test_changed_default_actions_are_used():
    rules = PushRules(ALICE)
    rules.set_actions("underride", ".m.rule.message", [])
    assert evaluate(message(), rules) == []
    assert evaluate(message(), rules, members=2) == NOTIFY_SOUND


def test_user_override_beats_default_overrides():
    rules = PushRules(ALICE)
    rules.put_rule("override", "loud-notices", {
        "conditions": [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}],
        "actions": ["notify", {"set_tweak": "highlight"}]})
    assert matched_rule(message(msgtype="m.notice"), rules) == "loud-notices"


def test_content_rule_matches_keyword_at_word_boundaries():
    rules = PushRules(ALICE)
    rules.put_rule("content", "cake", {"pattern": "cake",
                                       "actions": ["notify", {"set_tweak": "highlight"}]})
    assert matched_rule(message("Who wants CAKE?"), rules) == "cake"
    assert matched_rule(message("pancakes"), rules) == ".m.rule.message"


def test_content_rules_come_after_default_overrides():
    rules = PushRules(ALICE)
    rules.put_rule("content", "cake", {"pattern": "cake", "actions": ["notify"]})
    assert matched_rule(message("cake", msgtype="m.notice"), rules) == ".m.rule.suppress_notices"


def test_room_rule_silences_one_room():
    rules = PushRules(ALICE)
    rules.put_rule("room", ROOM, {"actions": []})
    assert matched_rule(message(), rules) == ROOM
    assert evaluate(message(), rules) == []
    assert evaluate({**message(), "room_id": "!other:example.org"}, rules) == NOTIFY


def test_sender_rule_silences_one_sender():
    rules = PushRules(ALICE)
    rules.put_rule("sender", "@spambot:example.org", {"actions": ["dont_notify"]})
    assert evaluate(message(sender="@spambot:example.org"), rules) == []
    assert evaluate(message(), rules) == NOTIFY


def test_room_rule_beats_sender_rule_and_content_beats_both():
    rules = PushRules(ALICE)
    rules.put_rule("sender", BOB, {"actions": ["notify", {"set_tweak": "sound", "value": "b"}]})
    rules.put_rule("room", ROOM, {"actions": []})
    assert matched_rule(message(), rules) == ROOM
    rules.put_rule("content", "tea", {"pattern": "tea", "actions": ["notify"]})
    assert matched_rule(message("tea time"), rules) == "tea"


def test_first_user_rule_of_a_kind_wins():
    rules = PushRules(ALICE)
    rules.put_rule("content", "time", {"pattern": "time", "actions": ["notify"]})
    rules.put_rule("content", "tea", {"pattern": "tea", "actions": []})
    assert matched_rule(message("It's time for tea"), rules) == "tea"
    rules.put_rule("content", "time", {"pattern": "time", "actions": ["notify"]}, before="tea")
    assert matched_rule(message("It's time for tea"), rules) == "time"


def test_user_underride_comes_before_default_underrides():
    rules = PushRules(ALICE)
    rules.put_rule("underride", "all-messages-loud", {
        "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
        "actions": ["notify", {"set_tweak": "sound", "value": "loud"}]})
    assert matched_rule(message(), rules, members=2) == "all-messages-loud"


def test_disabled_user_rule_is_skipped():
    rules = PushRules(ALICE)
    rules.put_rule("content", "cake", {"pattern": "cake", "actions": []})
    rules.set_enabled("content", "cake", False)
    assert evaluate(message("cake"), rules) == NOTIFY


def test_rule_with_an_unknown_condition_never_matches():
    rules = PushRules(ALICE)
    rules.put_rule("override", "future", {
        "conditions": [{"kind": "org.example.future"}], "actions": []})
    assert evaluate(message(), rules) == NOTIFY


def test_rule_without_conditions_matches_everything():
    rules = PushRules(ALICE)
    rules.put_rule("override", "all", {"actions": ["notify", {"set_tweak": "highlight"}]})
    assert matched_rule(state("m.room.topic", topic="x"), rules) == "all"


def test_rule_requiring_two_different_types_never_matches():
    rules = PushRules(ALICE)
    rules.put_rule("override", "impossible", {"actions": [], "conditions": [
        {"kind": "event_match", "key": "type", "pattern": "m.room.message"},
        {"kind": "event_match", "key": "type", "pattern": "m.reaction"}]})
    assert evaluate(message(), rules) == NOTIFY


def test_type_glob_conditions_are_evaluated_normally():
    rules = PushRules(ALICE)
    rules.put_rule("override", "custom", {"actions": ["notify"], "conditions": [
        {"kind": "event_match", "key": "type", "pattern": "org.example.*"}]})
    assert matched_rule({**message(), "type": "org.example.thing"}, rules) == "custom"
    assert matched_rule({**message(), "type": "org.other"}, rules) is None


def test_the_spec_beer_example():
    rules = PushRules(ALICE)
    rules.put_rule("override", "U2VlIHlvdSBpbiBUaGUgRHVrZQ", {
        "conditions": [{"kind": "event_match", "key": "content.body", "pattern": "beer"},
                       {"kind": "room_member_count", "is": "<=10"}],
        "actions": ["notify", {"set_tweak": "sound", "value": "beeroclock.wav"}]})
    assert sound(evaluate(message("beer?"), rules, members=10)) == "beeroclock.wav"
    assert evaluate(message("beer?"), rules, members=11) == NOTIFY


def test_legacy_actions_in_stored_rules_are_ignored():
    compiled = compile_ruleset({"override": [
        {"rule_id": "old", "default": False, "enabled": True, "conditions": [],
         "actions": ["dont_notify", "coalesce"]}]})
    assert compiled.first_match(message(), context()).rule_id == "old"
    assert compiled.evaluate(message(), context()) == []


def test_returned_actions_are_a_copy():
    compiled = compile_ruleset(PushRules(ALICE).global_ruleset())
    compiled.evaluate(message(), context()).append("changed")
    assert compiled.evaluate(message(), context()) == NOTIFY


# One event, many members; caching ------------------------------------------------------

def test_one_prepared_event_serves_every_member():
    ev = PushEvent(message("hi", **{"m.mentions": {"user_ids": [ALICE]}}))
    alice = compile_ruleset(PushRules(ALICE).global_ruleset())
    carol = compile_ruleset(PushRules("@carol:example.org").global_ruleset())
    assert alice.evaluate(ev, context()) == MENTION
    assert carol.evaluate(ev, PushContext("@carol:example.org", 5)) == NOTIFY
    assert alice.evaluate(ev, PushContext(BOB, 5)) == []  # Bob sent it


def test_cache_recompiles_after_a_change():
    cache = RulesetCache()
    rules = PushRules(ALICE)
    first = cache.compiled(rules)
    assert cache.compiled(rules) is first
    rules.set_actions("underride", ".m.rule.message", [])
    second = cache.compiled(rules)
    assert second is not first
    assert second.evaluate(message(), context()) == []


def test_cache_keeps_the_most_recently_used_users():
    cache = RulesetCache(max_users=2)
    alice, bob, carol = (PushRules(u) for u in (ALICE, BOB, "@carol:example.org"))
    alice_compiled = cache.compiled(alice)
    cache.compiled(bob)
    assert cache.compiled(alice) is alice_compiled  # alice is now the most recent
    cache.compiled(carol)  # evicts bob
    assert cache.compiled(alice) is alice_compiled
    cache.invalidate(ALICE)
    assert cache.compiled(alice) is not alice_compiled


def test_type_index_is_bounded():
    compiled = compile_ruleset(PushRules(ALICE).global_ruleset())
    for number in range(1000):
        compiled.evaluate({**message(), "type": f"org.example.{number}"}, context())
    assert len(compiled._by_type) <= 256
    assert compiled.evaluate(message(), context()) == NOTIFY
