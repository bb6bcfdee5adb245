"""A user's push rules: the stored document and the operations behind the /pushrules
endpoints (CS API "Push Rules: API", "Predefined Rules").

The stored document holds only what the user changed:

    {
      "version": 7,
      "rules": {                      # user-defined rules per kind, most important first
        "override": [{"rule_id": "x", "enabled": true, "conditions": [...], "actions": [...]}],
        "content": [{"rule_id": "cake", "enabled": true, "pattern": "cake", "actions": [...]}],
        "room": [{"rule_id": "!r:hs", "enabled": true, "actions": []}],
        "sender": [], "underride": []
      },
      "defaults": {                   # per server-default rule: what the user changed
        "override": {".m.rule.master": {"enabled": true}},
        "underride": {".m.rule.message": {"actions": []}}
      }
    }

`version` goes up by one on every change; caches of compiled rules key on it, so storage
must keep it increasing for a user (never reset the document to version 0).

The merged ruleset puts `.m.rule.master` first, then the user's rules of each kind, then
the other server-default rules of that kind ("server-default rules ... operate at a
lower priority than user-defined rules, except for the .m.rule.master rule").
"""

import copy
from collections.abc import Mapping
from typing import Any

from .actions import Action
from .defaults import KINDS, MASTER_RULE_ID, Rule, default_rules
from .errors import InvalidRule, PushRuleNotFound, UnknownPosition
from .validation import (
    check_kind,
    check_new_rule_id,
    parse_actions,
    parse_enabled,
    parse_rule_body,
)


class PushRules:
    """One user's push rules. Mutating methods check their input, change the rules and
    increment `version`; save `to_document()` afterwards."""

    def __init__(self, user_id: str, document: Mapping[str, Any] | None = None) -> None:
        stored = copy.deepcopy(dict(document or {}))
        self.user_id = user_id
        self.version: int = stored.get("version", 0)
        rules = stored.get("rules", {})
        defaults = stored.get("defaults", {})
        self._rules: dict[str, list[Rule]] = {kind: rules.get(kind, []) for kind in KINDS}
        self._defaults: dict[str, dict[str, dict[str, Any]]] = {
            kind: defaults.get(kind, {}) for kind in KINDS}

    def to_document(self) -> dict[str, Any]:
        """The JSON-serialisable document to store (see the module docstring)."""
        return copy.deepcopy({
            "version": self.version,
            "rules": {kind: rules for kind, rules in self._rules.items() if rules},
            "defaults": {kind: changes for kind, changes in self._defaults.items() if changes},
        })

    # Reading -------------------------------------------------------------------------

    def global_ruleset(self) -> dict[str, list[Rule]]:
        """The merged `global` ruleset: the body of GET /pushrules/global/."""
        merged: dict[str, list[Rule]] = {}
        server_rules = default_rules(self.user_id)
        for kind in KINDS:
            server = [self._apply_changes(kind, rule) for rule in server_rules[kind]]
            user = [_client_rule(rule) for rule in self._rules[kind]]
            if kind == "override" and server and server[0]["rule_id"] == MASTER_RULE_ID:
                merged[kind] = server[:1] + user + server[1:]
            else:
                merged[kind] = user + server
        return merged

    def client_rulesets(self) -> dict[str, Any]:
        """`{"global": ...}`: the body of GET /pushrules/ and the content of the
        `m.push_rules` account data event."""
        return {"global": self.global_ruleset()}

    def get_rule(self, kind: str, rule_id: str) -> Rule:
        """One rule in client format (GET /pushrules/global/{kind}/{ruleId})."""
        check_kind(kind)
        server_rule = self._server_rule(kind, rule_id)
        if server_rule is not None:
            return self._apply_changes(kind, server_rule)
        return _client_rule(self._rules[kind][self._user_rule_index(kind, rule_id)])

    def get_enabled(self, kind: str, rule_id: str) -> bool:
        return self.get_rule(kind, rule_id)["enabled"]

    def get_actions(self, kind: str, rule_id: str) -> list[Action]:
        return self.get_rule(kind, rule_id)["actions"]

    # Changing ------------------------------------------------------------------------

    def put_rule(self, kind: str, rule_id: str, body: Any,
                 before: str | None = None, after: str | None = None) -> None:
        """Create or replace a user-defined rule (PUT /pushrules/global/{kind}/{ruleId}).

        A new rule is enabled and, without `before`/`after`, becomes the most important
        user rule of its kind; a replaced rule keeps its enabled state and, without
        `before`/`after`, its place. With both, `before` wins.
        """
        check_kind(kind)
        check_new_rule_id(kind, rule_id)
        rule = {"rule_id": rule_id, "enabled": True, **parse_rule_body(kind, body)}
        rules = self._rules[kind]
        existing = next((i for i, old in enumerate(rules) if old["rule_id"] == rule_id), None)
        if existing is not None:
            rule["enabled"] = rules[existing]["enabled"]
        if existing is not None and before is None and after is None:
            rules[existing] = rule
        else:
            others = [old for old in rules if old["rule_id"] != rule_id]
            others.insert(_insert_index(others, before, after), rule)
            self._rules[kind] = others
        self.version += 1

    def delete_rule(self, kind: str, rule_id: str) -> None:
        """Delete a user-defined rule; server-default rules cannot be deleted."""
        check_kind(kind)
        if self._server_rule(kind, rule_id) is not None:
            raise InvalidRule("server-default rules cannot be deleted")
        del self._rules[kind][self._user_rule_index(kind, rule_id)]
        self.version += 1

    def set_enabled(self, kind: str, rule_id: str, enabled: Any) -> None:
        self._change(kind, rule_id, "enabled", parse_enabled(enabled))

    def set_actions(self, kind: str, rule_id: str, actions: Any) -> None:
        """Set the actions of any rule, server-default ones included."""
        self._change(kind, rule_id, "actions", parse_actions(actions))

    # Helpers -------------------------------------------------------------------------

    def _change(self, kind: str, rule_id: str, field: str, value: Any) -> None:
        check_kind(kind)
        server_rule = self._server_rule(kind, rule_id)
        if server_rule is None:
            self._rules[kind][self._user_rule_index(kind, rule_id)][field] = value
        else:
            changes = self._defaults[kind].setdefault(rule_id, {})
            if value == server_rule[field]:
                changes.pop(field, None)  # back to the default: follow future defaults
            else:
                changes[field] = value
            if not changes:
                del self._defaults[kind][rule_id]
        self.version += 1

    def _server_rule(self, kind: str, rule_id: str) -> Rule | None:
        if not rule_id.startswith("."):
            return None
        return next((rule for rule in default_rules(self.user_id)[kind]
                     if rule["rule_id"] == rule_id), None)

    def _apply_changes(self, kind: str, server_rule: Rule) -> Rule:
        changes = self._defaults[kind].get(server_rule["rule_id"], {})
        return {**server_rule, **copy.deepcopy(changes)}

    def _user_rule_index(self, kind: str, rule_id: str) -> int:
        for index, rule in enumerate(self._rules[kind]):
            if rule["rule_id"] == rule_id:
                return index
        raise PushRuleNotFound(f"no {kind} push rule {rule_id!r}")


def _client_rule(stored: Rule) -> Rule:
    """A stored user rule as clients see it."""
    return {**copy.deepcopy(stored), "default": False}


def _insert_index(rules: list[Rule], before: str | None, after: str | None) -> int:
    """Where a rule goes among the user's rules of its kind (0 = most important)."""
    anchor = before if before is not None else after
    if anchor is None:
        return 0
    if anchor.startswith("."):
        raise UnknownPosition(f"cannot place a rule relative to server-default rule {anchor}")
    for index, rule in enumerate(rules):
        if rule["rule_id"] == anchor:
            return index if before is not None else index + 1
    raise UnknownPosition(f"before/after rule not found: {anchor}")
