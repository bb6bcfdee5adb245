"""Push rule conditions (CS API "Push Rules" > "Conditions"): checking their parameters
and compiling each into a fast matcher.

A condition whose `kind` is unknown, or whose parameters are wrong, never matches
("Unrecognised conditions MUST NOT match any events").
"""

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from .context import PushContext, PushEvent
from .glob import compile_whole_glob, compile_word_glob, compile_word_literal
from .paths import parse_property_path

ConditionMatcher = Callable[[PushEvent, PushContext], bool]

BODY_PATH = ("content", "body")
MAX_SAFE_INTEGER = 2**53 - 1

_MEMBER_COUNT = re.compile(r"(==|<=|>=|<|>)?([0-9]+)")
_COMPARISONS: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}

KNOWN_KINDS = frozenset({
    "event_match", "event_property_is", "event_property_contains", "contains_display_name",
    "room_member_count", "sender_notification_permission",
})


def is_canonical_scalar(value: Any) -> bool:
    """A non-compound canonical JSON value: string, boolean, null or integer within
    [-(2**53)+1, (2**53)-1]."""
    if value is None or isinstance(value, str | bool):
        return True
    return isinstance(value, int) and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER


def condition_problem(condition: Any) -> str | None:
    """Why `condition` is malformed, or `None` if it is fine. Unknown kinds are fine:
    they are kept and never match."""
    if not isinstance(condition, Mapping) or not isinstance(condition.get("kind"), str):
        return "each condition must be an object with a string 'kind'"
    kind = condition["kind"]
    needs_key = kind in KNOWN_KINDS and kind not in ("contains_display_name", "room_member_count")
    if needs_key and not isinstance(condition.get("key"), str):
        return f"'{kind}' condition needs a string 'key'"
    if kind == "event_match" and not isinstance(condition.get("pattern"), str):
        return "'event_match' condition needs a string 'pattern'"
    if kind in ("event_property_is", "event_property_contains") and (
            "value" not in condition or not is_canonical_scalar(condition["value"])):
        return f"'{kind}' condition needs a 'value' that is a string, integer, boolean or null"
    if kind == "room_member_count" and not (
            isinstance(condition.get("is"), str) and _MEMBER_COUNT.fullmatch(condition["is"])):
        return "'room_member_count' condition needs 'is': an integer, optionally prefixed " \
               "by ==, <, >, <= or >="
    return None


def literal_type_pattern(condition: Mapping[str, Any]) -> str | None:
    """For `event_match` on `type` with a pattern without wildcards, the lower-cased type
    the event must have; the evaluator uses it to skip rules by event type."""
    if condition.get("kind") != "event_match" or condition.get("key") != "type":
        return None
    pattern = condition.get("pattern")
    if not isinstance(pattern, str) or "*" in pattern or "?" in pattern:
        return None
    return pattern.lower()


def compile_condition(condition: Mapping[str, Any]) -> ConditionMatcher | None:
    """A matcher for `condition`, or `None` if it can never match."""
    if condition_problem(condition) is not None:
        return None
    compiler = _COMPILERS.get(condition["kind"])
    return compiler(condition) if compiler else None


def _event_match(condition: Mapping[str, Any]) -> ConditionMatcher:
    path = parse_property_path(condition["key"])
    pattern = condition["pattern"]
    glob = compile_word_glob(pattern) if path == BODY_PATH else compile_whole_glob(pattern)

    def event_match(event: PushEvent, context: PushContext) -> bool:
        value = event.lowered_string(path)
        return value is not None and glob(value)

    return event_match


def _event_property_is(condition: Mapping[str, Any]) -> ConditionMatcher:
    path = parse_property_path(condition["key"])
    expected = condition["value"]
    expected_type = type(expected)

    def event_property_is(event: PushEvent, context: PushContext) -> bool:
        value = event.value(path)
        return value == expected and type(value) is expected_type

    return event_property_is


def _event_property_contains(condition: Mapping[str, Any]) -> ConditionMatcher:
    path = parse_property_path(condition["key"])
    expected = condition["value"]
    expected_type = type(expected)

    def event_property_contains(event: PushEvent, context: PushContext) -> bool:
        values = event.value(path)
        if not isinstance(values, list) or expected not in values:
            return False
        return any(item == expected and type(item) is expected_type for item in values)

    return event_property_contains


def _contains_display_name(condition: Mapping[str, Any]) -> ConditionMatcher:
    def contains_display_name(event: PushEvent, context: PushContext) -> bool:
        if not context.display_name:
            return False
        body = event.lowered_string(BODY_PATH)
        return body is not None and compile_word_literal(context.display_name)(body)

    return contains_display_name


def _room_member_count(condition: Mapping[str, Any]) -> ConditionMatcher:
    parsed = _MEMBER_COUNT.fullmatch(condition["is"])
    assert parsed is not None  # checked by condition_problem
    compare = _COMPARISONS[parsed.group(1) or "=="]
    number = int(parsed.group(2))

    def room_member_count(event: PushEvent, context: PushContext) -> bool:
        return compare(context.room_member_count, number)

    return room_member_count


def _sender_notification_permission(condition: Mapping[str, Any]) -> ConditionMatcher:
    key = condition["key"]

    def sender_notification_permission(event: PushEvent, context: PushContext) -> bool:
        return context.sender_level(event.sender) >= context.notification_level(key)

    return sender_notification_permission


_COMPILERS: dict[str, Callable[[Mapping[str, Any]], ConditionMatcher]] = {
    "event_match": _event_match,
    "event_property_is": _event_property_is,
    "event_property_contains": _event_property_contains,
    "contains_display_name": _contains_display_name,
    "room_member_count": _room_member_count,
    "sender_notification_permission": _sender_notification_permission,
}
