"""Canonical JSON (appendices, "Canonical JSON"; room versions 6+ enforce it strictly).

Encoded with orjson and OPT_SORT_KEYS, which tests/matrix/test_canonical_json.py proves
byte-identical to the `canonicaljson` package (a hypothesis property test) and about ten
times faster. orjson alone would accept floats, dataclasses, datetimes and the like, so
values are first checked by `check_canonical_json`: only dict (str keys), list, tuple,
str, int in [-(2**53)+1, 2**53-1], bool and None pass.

`encode_canonical_json` checks then encodes. Code that has already checked a value (the
event model checks each PDU once) calls `encode_checked` to skip the walk.
"""

from types import MappingProxyType
from typing import Any

import orjson

from closedserver.matrix.errors import CanonicalJsonError

MAX_SAFE_INTEGER = 2**53 - 1
MIN_SAFE_INTEGER = -(2**53) + 1

_ORJSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER


def _orjson_default(value: object) -> object:
    # Event exposes its content as a read-only MappingProxyType view.
    if isinstance(value, MappingProxyType):
        return dict(value)
    raise TypeError(f"type {type(value).__name__} is not JSON serializable")


def check_canonical_json(value: Any) -> None:
    """Raise CanonicalJsonError unless `value` is representable as canonical JSON."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict or kind is MappingProxyType:
            for key in item:
                if type(key) is not str:
                    raise CanonicalJsonError(f"object key {key!r} is not a string")
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is int:
            if not MIN_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                raise CanonicalJsonError(f"integer {item} is outside [-(2**53)+1, 2**53-1]")
        elif kind is float:
            raise CanonicalJsonError(f"floats are not allowed in canonical JSON: {item!r}")
        else:
            raise CanonicalJsonError(f"type {kind.__name__} is not allowed in canonical JSON")


def encode_checked(value: Any) -> bytes:
    """Encode a value already accepted by `check_canonical_json`."""
    try:
        return orjson.dumps(value, default=_orjson_default, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate in a string
        raise CanonicalJsonError(str(exc)) from exc


def encode_canonical_json(value: Any) -> bytes:
    """The canonical JSON encoding of `value`, as UTF-8 bytes."""
    check_canonical_json(value)
    return encode_checked(value)


def decode_canonical_json(data: bytes | str) -> Any:
    """Parse JSON and require every value in it to be canonical-JSON compatible
    (no floats, no out-of-range integers). Raises CanonicalJsonError."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CanonicalJsonError(f"invalid JSON: {exc}") from exc
    check_canonical_json(value)
    return value

