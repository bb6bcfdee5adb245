"""Dot-separated property paths (Appendices, "Dot-separated property paths").

`content.m\\.relates_to.rel_type` names `event["content"]["m.relates_to"]["rel_type"]`:
a literal dot or backslash inside a property name is escaped with a backslash; any other
escape sequence (`\\x`) is kept as a literal backslash followed by the character.
"""

from functools import lru_cache
from typing import Any, Final


class _Missing:
    """The type of `MISSING`: a property that is absent from the event."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@lru_cache(maxsize=1024)
def parse_property_path(key: str) -> tuple[str, ...]:
    """Split a dotted key into property names, resolving `\\.` and `\\\\` escapes."""
    if "\\" not in key:
        return tuple(key.split("."))
    parts: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(key):
        char = key[index]
        if char == "\\" and key[index + 1:index + 2] in (".", "\\"):
            current.append(key[index + 1])
            index += 2
            continue
        if char == ".":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return tuple(parts)


def lookup_property(event: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path` inside `event`, or `MISSING` if any step is absent or a step
    before the last is not a JSON object."""
    value: Any = event
    for name in path:
        if not isinstance(value, dict):
            return MISSING
        value = value.get(name, MISSING)
    return value
