"""Glob matching for push rules (Appendices, "Glob-style matching"; CS API "Conditions").

`*` matches zero or more characters and `?` exactly one; every other character is
literal (the spec defines no character classes). Matching is case-insensitive: callers
pass values already lower-cased with `str.lower()` and patterns are lower-cased here.

Two modes:
- whole: the pattern must match the entire value (`event_match` on most keys).
- word: the pattern must match some substring that starts and ends at a word boundary,
  a word boundary being the start or end of the value or any character outside
  `[A-Za-z0-9_]` (content rules and `event_match` on `content.body`).

Patterns are users' input and bodies can be 64 KiB, so matching must not backtrack
exponentially. The pattern is cut at each `*` into fixed-length segments; placing the
first segment as early as possible and each later one at its leftmost occurrence never
loses a match, so one forward scan per segment decides the whole pattern.
"""

import re
from collections.abc import Callable
from functools import lru_cache

GlobMatcher = Callable[[str], bool]
"""Takes a lower-cased string, returns whether the glob matches it."""

_NOT_WORD_AFTER = "(?![a-z0-9_])"


def _starting_at_boundary(source: str, length: int) -> str:
    """`source` (matching `length` characters) preceded by a word boundary.

    The check is a look-behind placed after the piece rather than before it, so the
    pattern starts with the piece's literal text and `re` can scan for that quickly.
    """
    if length == 0:
        return "(?<![a-z0-9_])" + source
    return source + "(?<![a-z0-9_]" + ".{" + str(length) + "})"


def _pieces(pattern: str) -> list[str]:
    """The lower-cased, fixed-length pieces between `*`s (a run of `*` counts as one)."""
    return re.sub(r"\*+", "*", pattern.lower()).split("*")


def _regex_source(piece: str) -> str:
    return "".join("." if char == "?" else re.escape(char) for char in piece)


def _compile(source: str) -> re.Pattern[str]:
    return re.compile(source, re.DOTALL)


@lru_cache(maxsize=4096)
def compile_whole_glob(pattern: str) -> GlobMatcher:
    """A matcher that is true when `pattern` matches the entire (lower-cased) value."""
    pieces = _pieces(pattern)
    if len(pieces) == 1:
        if "?" not in pieces[0]:
            return pieces[0].__eq__
        only = _compile(_regex_source(pieces[0]))
        return lambda value: only.fullmatch(value) is not None
    first, last = _compile(_regex_source(pieces[0])), _compile(_regex_source(pieces[-1]))
    middles = [_compile(_regex_source(piece)) for piece in pieces[1:-1]]
    last_length = len(pieces[-1])

    def matches_whole(value: str) -> bool:
        head = first.match(value)
        last_start = len(value) - last_length
        if head is None or last_start < head.end():
            return False
        position = head.end()
        for middle in middles:
            found = middle.search(value, position, last_start)
            if found is None:
                return False
            position = found.end()
        return last.fullmatch(value, last_start) is not None

    return matches_whole


@lru_cache(maxsize=4096)
def compile_word_glob(pattern: str) -> GlobMatcher:
    """A matcher that is true when `pattern` matches a substring of the (lower-cased)
    value that starts and ends at a word boundary."""
    pieces = _pieces(pattern)
    sources = [_regex_source(piece) for piece in pieces]
    if len(sources) == 1:
        only = _compile(_starting_at_boundary(sources[0], len(pieces[0])) + _NOT_WORD_AFTER)
        return lambda value: only.search(value) is not None
    first = _compile(_starting_at_boundary(sources[0], len(pieces[0])))
    last = _compile(sources[-1] + _NOT_WORD_AFTER)
    middles = [_compile(source) for source in sources[1:-1]]

    def matches_word(value: str) -> bool:
        found = first.search(value)
        if found is None:
            return False
        position = found.end()
        for middle in middles:
            found = middle.search(value, position)
            if found is None:
                return False
            position = found.end()
        return last.search(value, position) is not None

    return matches_word


@lru_cache(maxsize=4096)
def compile_word_literal(text: str) -> GlobMatcher:
    """A matcher for `text` taken literally (no wildcards) at word boundaries, as the
    `contains_display_name` condition needs."""
    lowered = text.lower()
    only = _compile(_starting_at_boundary(re.escape(lowered), len(lowered)) + _NOT_WORD_AFTER)
    return lambda value: only.search(value) is not None
