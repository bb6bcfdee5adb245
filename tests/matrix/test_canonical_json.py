"""Canonical JSON: the appendices' examples, and a property test proving our orjson-based
encoder byte-identical to the `canonicaljson` package on every JSON value it accepts."""

import canonicaljson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from closedserver.matrix.canonical_json import (
    MAX_SAFE_INTEGER,
    MIN_SAFE_INTEGER,
    decode_canonical_json,
    encode_canonical_json,
)
from closedserver.matrix.errors import CanonicalJsonError

SPEC_EXAMPLES = [
    ({}, b"{}"),
    ({"one": 1, "two": "Two"}, b'{"one":1,"two":"Two"}'),
    ({"b": "2", "a": "1"}, b'{"a":"1","b":"2"}'),
    (
        {
            "auth": {
                "success": True,
                "mxid": "@john.doe:example.com",
                "profile": {
                    "display_name": "John Doe",
                    "three_pids": [
                        {"medium": "email", "address": "john.doe@example.org"},
                        {"medium": "msisdn", "address": "123456789"},
                    ],
                },
            }
        },
        b'{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe",'
        b'"three_pids":[{"address":"john.doe@example.org","medium":"email"},'
        b'{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ),
    ({"a": "日本語"}, '{"a":"日本語"}'.encode()),
    ({"本": 2, "日": 1}, '{"日":1,"本":2}'.encode()),
    ({"a": "\u65e5"}, '{"a":"日"}'.encode()),
    ({"a": None}, b'{"a":null}'),
    # The spec's `{"a": -0, "b": 1e10}` once parsed as integers (we refuse floats, like
    # Synapse does for room versions 6+, so 1e10 must arrive as 10000000000).
    ({"a": -0, "b": 10**10}, b'{"a":0,"b":10000000000}'),
]


@pytest.mark.parametrize(("value", "expected"), SPEC_EXAMPLES)
def test_spec_examples(value: object, expected: bytes) -> None:
    assert encode_canonical_json(value) == expected


def test_control_characters_use_the_grammars_escapes() -> None:
    encoded = encode_canonical_json("\x00\x08\t\n\x0b\x0c\r\x1f\"\\\x7f\u2028/")
    assert encoded == '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\\x7f\u2028/"'.encode()


@pytest.mark.parametrize("value", [1.5, 1.0, float("nan"), {"a": [0.0]}])
def test_floats_are_rejected(value: object) -> None:
    with pytest.raises(CanonicalJsonError, match="float"):
        encode_canonical_json(value)


@pytest.mark.parametrize("value", [2**53, -(2**53), 2**64, {"a": [2**63]}])
def test_integers_outside_53_bits_are_rejected(value: object) -> None:
    with pytest.raises(CanonicalJsonError, match="outside"):
        encode_canonical_json(value)


def test_integer_limits_are_accepted() -> None:
    assert encode_canonical_json([MAX_SAFE_INTEGER, MIN_SAFE_INTEGER]) == (
        b"[9007199254740991,-9007199254740991]"
    )


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {(1, 2): 3}}, {1.5}, b"bytes", object()])
def test_non_json_types_and_keys_are_rejected(value: object) -> None:
    with pytest.raises(CanonicalJsonError):
        encode_canonical_json(value)


def test_lone_surrogates_are_rejected() -> None:
    with pytest.raises(CanonicalJsonError):
        encode_canonical_json({"a": "\ud800"})


def test_decode_rejects_floats_and_accepts_integers() -> None:
    assert decode_canonical_json(b'{"a":[1,-0,"x"]}') == {"a": [1, 0, "x"]}
    with pytest.raises(CanonicalJsonError):
        decode_canonical_json(b'{"a":1e10}')
    with pytest.raises(CanonicalJsonError):
        decode_canonical_json(b"{nope")


SPECIAL_CHARACTERS = st.sampled_from(
    ["\x00", "\x01", "\x1f", "\x7f", "\x80", "\u2028", "\u2029", '"', "\\", "/", "\ud7ff",
     "\ue000", "\ufeff", "\uffff", "\U00010000", "\U0010ffff", "é", "日"]
)  # fmt: skip
TEXT = st.text(st.characters() | SPECIAL_CHARACTERS, max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(MIN_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.sampled_from([0, -1, MAX_SAFE_INTEGER, MIN_SAFE_INTEGER, 2**31, 2**32])
    | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(TEXT, children, max_size=6),
    max_leaves=40,
)


@settings(max_examples=1000, deadline=None)
@given(JSON_VALUES)
def test_identical_to_the_canonicaljson_package(value: object) -> None:
    try:
        expected = canonicaljson.encode_canonical_json(value)
    except UnicodeEncodeError:  # a lone surrogate: neither can encode it
        with pytest.raises(CanonicalJsonError):
            encode_canonical_json(value)
        return
    assert encode_canonical_json(value) == expected
