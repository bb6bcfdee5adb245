"""Glob matching (Appendices "Glob-style matching", CS API "event_match" and content
rules). Matchers take lower-cased values, as the evaluator passes them."""

import random
import re
import time

import pytest

from closedserver.matrix.push.glob import (
    compile_whole_glob,
    compile_word_glob,
    compile_word_literal,
)


def whole(pattern: str, value: str) -> bool:
    return compile_whole_glob(pattern)(value.lower())


def word(pattern: str, value: str) -> bool:
    return compile_word_glob(pattern)(value.lower())


# The spec's example for event_match on content.topic with pattern "lunc?*".
@pytest.mark.parametrize("topic", ["Lunch plans", "LUNCH"])
def test_spec_topic_example_matches(topic):
    assert whole("lunc?*", topic)


@pytest.mark.parametrize("topic", [" lunch", "lunc"])
def test_spec_topic_example_does_not_match(topic):
    assert not whole("lunc?*", topic)


# The spec's example for event_match on content.body with pattern "ex*ple".
@pytest.mark.parametrize("body", ["An example event.", "exple", "An exciting triple-whammy"])
def test_spec_body_example_matches(body):
    assert word("ex*ple", body)


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("*", "", True),
    ("*", "anything at all", True),
    ("?", "", False),
    ("?", "a", True),
    ("?", "ab", False),
    ("??", "ab", True),
    ("a*", "a", True),
    ("*a", "ba", True),
    ("*a", "ab", False),
    ("a*b*c", "abc", True),
    ("a*b*c", "axxbyyc", True),
    ("a*b*c", "ac", False),
    ("a*a", "a", False),  # the two a's cannot overlap
    ("a*a", "aa", True),
    ("a**b", "ab", True),
    ("a?*?b", "axyb", True),
    ("a?*?b", "axb", False),
    ("m.room.message", "m.room.message", True),
    ("m.room.message", "m.room.message2", False),
    ("m.room.message", "mXroomXmessage", False),  # "." is literal, not a regex
    ("M.Room.Message", "m.room.MESSAGE", True),
    ("[ab]", "a", False),  # no character classes: brackets are literal
    ("[ab]", "[ab]", True),
    ("a+b", "a+b", True),
    ("a\\*b", "a\\xyzb", True),  # a backslash is literal and does not escape "*"
    ("line?two", "line\ntwo", True),  # "?" matches a newline too
    ("", "", True),
    ("", "x", False),
])
def test_whole_value_glob(pattern, value, expected):
    assert whole(pattern, value) is expected


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("cake", "I like cake", True),
    ("cake", "Cake!", True),
    ("cake", "cakes", False),
    ("cake", "pancake", False),
    ("cake", "cake_tin", False),  # "_" is a word character
    ("cake", "cake-tin", True),
    ("cake", "2cake", False),
    ("cake", "café cake", True),
    ("cake*lie", "the cake is a lie", True),
    ("cake*lie", "the cake is a lie!", True),
    ("cake*lie", "the cake is a lies", False),
    ("cake*lie", "cakeslie", True),  # "*" may span word characters
    ("cake*lie", "cakes lies", False),
    ("cake*", "cakes are great", True),
    ("*cake", "pancake", True),
    ("c?ke", "the coke", True),
    ("@room", "hey @room!", True),
    ("@room", "hey@room", False),  # "@room" must start at a boundary: "y" precedes it
    ("alice", "ALICE: hi", True),
    ("a*b", "xa yb", False),
    ("a*b", "a xb", True),
    ("a*b", "a xbc", False),
    ("a*b", "ab xa b", True),
    ("*", "", True),
    ("time", "It's time for tea", True),
    ("tea", "It's time for tea", True),
])
def test_word_boundary_glob(pattern, value, expected):
    assert word(pattern, value) is expected


def test_word_literal_treats_wildcards_literally():
    assert compile_word_literal("Al*ce")("hi al*ce!")
    assert not compile_word_literal("Al*ce")("hi alice!")
    assert compile_word_literal("Alice")("hello alice")
    assert not compile_word_literal("Alice")("hello malice")


def test_matchers_are_cached():
    assert compile_whole_glob("a*b") is compile_whole_glob("a*b")
    assert compile_word_glob("a*b") is compile_word_glob("a*b")


@pytest.mark.parametrize("matcher", [compile_whole_glob, compile_word_glob])
def test_many_wildcards_on_a_long_value_do_not_backtrack(matcher):
    # Regex translations of such globs take exponential time on a near-miss.
    value = "a" * 65_000 + "b"
    match = matcher("*a*a*a*a*a*a*a*a*a*a*c")
    started = time.perf_counter()
    assert not match(value)
    assert time.perf_counter() - started < 0.5


def _reference_regex(pattern: str) -> str:
    """The obvious (backtracking) translation, fine for short values."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def test_segment_scan_agrees_with_regex_translation_on_random_cases():
    rng = random.Random(20240601)
    for _ in range(3000):
        pattern = "".join(rng.choice("ab*?- ") for _ in range(rng.randint(0, 6)))
        value = "".join(rng.choice("ab-_ ") for _ in range(rng.randint(0, 10)))
        source = _reference_regex(pattern)
        expected_whole = re.fullmatch(source, value, re.DOTALL) is not None
        expected_word = re.search(f"(?<![a-z0-9_]){source}(?![a-z0-9_])", value,
                                  re.DOTALL) is not None
        assert whole(pattern, value) is expected_whole, (pattern, value)
        assert word(pattern, value) is expected_word, (pattern, value)
