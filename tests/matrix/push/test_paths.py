"""Dot-separated property paths (Appendices, "Dot-separated property paths")."""

import pytest

from closedserver.matrix.push.paths import MISSING, lookup_property, parse_property_path


@pytest.mark.parametrize(("key", "path"), [
    ("content.body", ("content", "body")),
    ("type", ("type",)),
    ("content.m\\.relates_to", ("content", "m.relates_to")),
    ("content.m\\.mentions.user_ids", ("content", "m.mentions", "user_ids")),
    ("content.m\\\\foo", ("content", "m\\foo")),
    ("content.m\\xfoo", ("content", "m\\xfoo")),  # other escapes stay literal
    ("content.trailing\\", ("content", "trailing\\")),
    ("content..x", ("content", "", "x")),
    ("content.a\\\\.b", ("content", "a\\", "b")),
])
def test_parse_property_path(key, path):
    assert parse_property_path(key) == path


EVENT = {
    "type": "m.room.message",
    "content": {"body": "hi", "m.relates_to": {"rel_type": "m.replace"}, "m\\foo": 1,
                "list": [1, 2], "nothing": None},
}


@pytest.mark.parametrize(("key", "value"), [
    ("type", "m.room.message"),
    ("content.body", "hi"),
    ("content.m\\.relates_to.rel_type", "m.replace"),
    ("content.m\\\\foo", 1),
    ("content.list", [1, 2]),
    ("content.nothing", None),
])
def test_lookup_finds_property(key, value):
    assert lookup_property(EVENT, parse_property_path(key)) == value


@pytest.mark.parametrize("key", [
    "content.missing",
    "content.m.relates_to.rel_type",  # unescaped dot: looks for "m" then "relates_to"
    "content.body.length",  # "body" is a string, not an object
    "content.list.0",  # arrays are not indexed
    "state_key",
])
def test_lookup_of_absent_property_is_missing(key):
    assert lookup_property(EVENT, parse_property_path(key)) is MISSING
