"""Push rules (CS API "Push Notifications" module): the server-default rules, a user's
stored rule document with the /pushrules operations, and the evaluator that decides the
actions for an event. Pure: no I/O, imports nothing else of closedserver.

Typical use by the services layer:

    rules = PushRules(user_id, stored_document)          # or None for a new user
    rules.put_rule("content", "cake", {"pattern": "cake", "actions": ["notify"]})
    save(rules.to_document())

    event = PushEvent(client_event)                      # once per event
    ruleset = cache.compiled(rules)                      # once per member, cached
    actions = ruleset.evaluate(event, PushContext(user_id, room_member_count=5, ...))
    if notify(actions): ... highlight(actions), sound(actions), tweaks(actions)
"""

from .actions import Action, highlight, notify, sound, strip_legacy_actions, tweaks
from .context import PushContext, PushEvent
from .defaults import KINDS, MASTER_RULE_ID, default_rules
from .errors import InvalidRule, MalformedRule, PushRuleError, PushRuleNotFound, UnknownPosition
from .evaluator import CompiledRule, CompiledRuleset, RulesetCache, compile_ruleset
from .ruleset import PushRules

__all__ = [
    "KINDS",
    "MASTER_RULE_ID",
    "Action",
    "CompiledRule",
    "CompiledRuleset",
    "InvalidRule",
    "MalformedRule",
    "PushContext",
    "PushEvent",
    "PushRuleError",
    "PushRuleNotFound",
    "PushRules",
    "RulesetCache",
    "UnknownPosition",
    "compile_ruleset",
    "default_rules",
    "highlight",
    "notify",
    "sound",
    "strip_legacy_actions",
    "tweaks",
]
