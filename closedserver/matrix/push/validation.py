"""Checking what a client sends to the /pushrules endpoints (CS API "Push Rules: API").

Path problems (kind, rule ID) raise `InvalidRule`; body problems raise `MalformedRule`.
The checked body comes back as the rule's stored form: a deep copy, legacy actions removed.
"""

import copy
from collections.abc import Mapping
from typing import Any

from .actions import Action, strip_legacy_actions
from .conditions import condition_problem
from .defaults import KINDS
from .errors import InvalidRule, MalformedRule

_STRING_ACTIONS = frozenset({"notify", "dont_notify", "coalesce"})


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InvalidRule(f"unknown push rule kind {kind!r}; expected one of {', '.join(KINDS)}")


def check_new_rule_id(kind: str, rule_id: str) -> None:
    """A rule ID a user may create: not empty, no `/` or `\\`, not starting with `.`
    (reserved for server-default rules); room and sender rules are named by the room ID
    or user ID they apply to."""
    if not rule_id:
        raise InvalidRule("the rule ID must not be empty")
    if "/" in rule_id or "\\" in rule_id:
        raise InvalidRule("rule IDs cannot contain '/' or '\\'")
    if rule_id.startswith("."):
        raise InvalidRule("rule IDs starting with '.' are reserved for server-default rules")
    if kind == "room" and not rule_id.startswith("!"):
        raise InvalidRule("the rule ID of a room rule must be the room ID")
    if kind == "sender" and not (rule_id.startswith("@") and ":" in rule_id):
        raise InvalidRule("the rule ID of a sender rule must be the sender's user ID")


def parse_actions(actions: Any) -> list[Action]:
    """The actions, checked: `notify`, `set_tweak` objects and the ignored legacy
    `dont_notify`/`coalesce` (removed here)."""
    if not isinstance(actions, list):
        raise MalformedRule("'actions' must be an array")
    for action in actions:
        if isinstance(action, str):
            if action not in _STRING_ACTIONS:
                raise MalformedRule(f"unknown action {action!r}")
        elif not isinstance(action, dict) or not isinstance(action.get("set_tweak"), str):
            raise MalformedRule("an action must be 'notify' or an object with a string "
                                "'set_tweak'")
    return copy.deepcopy(strip_legacy_actions(actions))


def parse_conditions(conditions: Any) -> list[dict[str, Any]]:
    if not isinstance(conditions, list):
        raise MalformedRule("'conditions' must be an array")
    for condition in conditions:
        problem = condition_problem(condition)
        if problem is not None:
            raise MalformedRule(problem)
    return copy.deepcopy(conditions)


def parse_rule_body(kind: str, body: Any) -> dict[str, Any]:
    """The stored parts of a rule from a PUT body: `actions`, plus `conditions` for
    override/underride rules or `pattern` for content rules. Keys that do not apply to
    the kind are ignored."""
    if not isinstance(body, Mapping):
        raise MalformedRule("the push rule must be a JSON object")
    if "actions" not in body:
        raise MalformedRule("the push rule needs 'actions'")
    rule: dict[str, Any] = {}
    if kind in ("override", "underride"):
        rule["conditions"] = parse_conditions(body.get("conditions", []))
    elif kind == "content":
        if not isinstance(body.get("pattern"), str):
            raise MalformedRule("a content rule needs a string 'pattern'")
        rule["pattern"] = body["pattern"]
    rule["actions"] = parse_actions(body["actions"])
    return rule


def parse_enabled(enabled: Any) -> bool:
    if not isinstance(enabled, bool):
        raise MalformedRule("'enabled' must be a boolean")
    return enabled
