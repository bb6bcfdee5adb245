"""Evaluating push rules for one user (CS API "Push Rules": kinds in priority order, the
first enabled rule whose conditions all hold gives the actions).

A user's merged ruleset is compiled once into `CompiledRuleset`: disabled rules and rules
that can never match are dropped, globs become matchers, and `event_match` on `type` with a
literal pattern becomes an index by event type, so a message only visits the rules that
could match it. `RulesetCache` keeps one compiled ruleset per user, keyed by the version of
the stored document. Build one `PushEvent` per event and reuse it for every member.
"""

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .actions import Action, strip_legacy_actions
from .conditions import (
    ConditionMatcher,
    compile_condition,
    literal_type_pattern,
)
from .context import PushContext, PushEvent
from .defaults import KINDS
from .ruleset import PushRules

_TYPE_INDEX_SIZE = 256
"""Event types remembered per ruleset; types are sender-chosen, so the index is bounded."""


@dataclass(frozen=True, slots=True)
class CompiledRule:
    kind: str
    rule_id: str
    actions: tuple[Action, ...]
    event_type: str | None
    """Lower-cased event type the rule requires, or None if it accepts any type."""
    conditions: tuple[ConditionMatcher, ...]


class CompiledRuleset:
    """One user's enabled rules, in priority order, ready to evaluate."""

    def __init__(self, rules: Sequence[CompiledRule]) -> None:
        self.rules = tuple(rules)
        self._by_type: dict[Any, tuple[CompiledRule, ...]] = {}

    def rules_for_type(self, event_type: Any) -> tuple[CompiledRule, ...]:
        """The rules that an event of `event_type` could match, in priority order."""
        if not isinstance(event_type, str):
            event_type = None  # malformed: only rules that accept any type can match
        cached = self._by_type.get(event_type)
        if cached is not None:
            return cached
        lowered = event_type.lower() if event_type is not None else None
        rules = tuple(rule for rule in self.rules
                      if rule.event_type is None or rule.event_type == lowered)
        if len(self._by_type) < _TYPE_INDEX_SIZE:
            self._by_type[event_type] = rules
        return rules

    def first_match(self, event: PushEvent | dict[str, Any],
                    context: PushContext) -> CompiledRule | None:
        """The highest-priority enabled rule matching `event`, or None. Nothing matches
        the user's own events."""
        if not isinstance(event, PushEvent):
            event = PushEvent(event)
        if event.sender == context.user_id:
            return None
        for rule in self.rules_for_type(event.type):
            for condition in rule.conditions:
                if not condition(event, context):
                    break
            else:
                return rule
        return None

    def evaluate(self, event: PushEvent | dict[str, Any], context: PushContext) -> list[Action]:
        """The actions of the first matching rule (legacy actions removed); `[]` if no
        rule matches, which means: do not notify."""
        rule = self.first_match(event, context)
        return list(rule.actions) if rule is not None else []


def compile_ruleset(global_ruleset: Mapping[str, Sequence[Mapping[str, Any]]]) -> CompiledRuleset:
    """Compile a client-format ruleset (`{"override": [...], ..., "underride": [...]}`,
    each kind in priority order, as `PushRules.global_ruleset()` returns it)."""
    compiled = []
    for kind in KINDS:
        for rule in global_ruleset.get(kind, ()):
            if rule.get("enabled", True) is not False:
                compiled_rule = _compile_rule(kind, rule)
                if compiled_rule is not None:
                    compiled.append(compiled_rule)
    return CompiledRuleset(compiled)


def _compile_rule(kind: str, rule: Mapping[str, Any]) -> CompiledRule | None:
    """The compiled rule, or None when it can never match."""
    rule_id = rule["rule_id"]
    actions = tuple(strip_legacy_actions(rule.get("actions", ())))
    if kind in ("override", "underride"):
        return _compile_conditions(kind, rule_id, actions, rule.get("conditions", ()))
    if kind == "content":
        pattern = rule.get("pattern")
        if not isinstance(pattern, str):
            return None
        return CompiledRule(kind, rule_id, actions, None, (_body_matches(pattern),))
    attribute = "room_id" if kind == "room" else "sender"
    return CompiledRule(kind, rule_id, actions, None, (_attribute_is(attribute, rule_id),))


def _compile_conditions(kind: str, rule_id: str, actions: tuple[Action, ...],
                        conditions: Sequence[Mapping[str, Any]]) -> CompiledRule | None:
    event_type: str | None = None
    matchers: list[ConditionMatcher] = []
    for condition in conditions:
        required_type = literal_type_pattern(condition)
        if required_type is not None:
            if event_type is not None and event_type != required_type:
                return None
            event_type = required_type
            continue
        matcher = compile_condition(condition)
        if matcher is None:
            return None
        matchers.append(matcher)
    return CompiledRule(kind, rule_id, actions, event_type, tuple(matchers))


def _body_matches(pattern: str) -> ConditionMatcher:
    """A content rule: `pattern` at word boundaries in `content.body`."""
    return compile_condition({"kind": "event_match", "key": "content.body", "pattern": pattern}) \
        or _never


def _attribute_is(attribute: str, expected: str) -> ConditionMatcher:
    """A room or sender rule: the event's `room_id` or `sender` is the rule ID."""
    def attribute_is(event: PushEvent, context: PushContext) -> bool:
        return getattr(event, attribute) == expected

    return attribute_is


def _never(event: PushEvent, context: PushContext) -> bool:
    return False


class RulesetCache:
    """Compiled rulesets of recently active users, least recently used dropped first.

    Keyed by user ID and the document's `version`, which every change increments, so a
    changed ruleset is recompiled on its next use.
    """

    def __init__(self, max_users: int = 10_000) -> None:
        self.max_users = max_users
        self._entries: OrderedDict[str, tuple[int, CompiledRuleset]] = OrderedDict()

    def compiled(self, push_rules: PushRules) -> CompiledRuleset:
        entry = self._entries.get(push_rules.user_id)
        if entry is not None and entry[0] == push_rules.version:
            self._entries.move_to_end(push_rules.user_id)
            return entry[1]
        ruleset = compile_ruleset(push_rules.global_ruleset())
        self._entries[push_rules.user_id] = (push_rules.version, ruleset)
        self._entries.move_to_end(push_rules.user_id)
        while len(self._entries) > self.max_users:
            self._entries.popitem(last=False)
        return ruleset

    def invalidate(self, user_id: str) -> None:
        self._entries.pop(user_id, None)
