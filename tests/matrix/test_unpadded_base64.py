"""Unpadded Base64 against the appendices' examples."""

import pytest

from closedserver.matrix.unpadded_base64 import decode_base64, encode_base64

SPEC_EXAMPLES = [
    (b"", ""),
    (b"f", "Zg"),
    (b"fo", "Zm8"),
    (b"foo", "Zm9v"),
    (b"foob", "Zm9vYg"),
    (b"fooba", "Zm9vYmE"),
    (b"foobar", "Zm9vYmFy"),
]


@pytest.mark.parametrize(("data", "encoded"), SPEC_EXAMPLES)
def test_spec_examples_round_trip(data: bytes, encoded: str) -> None:
    assert encode_base64(data) == encoded
    assert decode_base64(encoded) == data


@pytest.mark.parametrize(("padded", "data"), [("Zg==", b"f"), ("Zm8=", b"fo"), ("Zm9v", b"foo")])
def test_decoding_accepts_padding(padded: str, data: bytes) -> None:
    assert decode_base64(padded) == data


def test_url_safe_alphabet() -> None:
    data = bytes([0xFB, 0xFF, 0xBF])
    assert encode_base64(data) == "+/+/"
    assert encode_base64(data, urlsafe=True) == "-_-_"
    assert decode_base64("-_-_") == data == decode_base64("+/+/")


@pytest.mark.parametrize("bad", ["Z", "Zm9vY", "Zm=9v", "Zm9v!", "Zg===", "日本"])
def test_invalid_input_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_base64(bad)
