"""ed25519 keys and signed JSON against the appendices' "Cryptographic Test Vectors"."""

from collections.abc import Callable
from pathlib import Path

import pytest

from closedserver.matrix.errors import SignatureError
from closedserver.matrix.signing import (
    SigningKey,
    decode_signing_keys,
    decode_verify_key,
    encode_signing_keys,
    load_signing_keys,
    save_signing_key,
    sign_json,
    verify_json_signature,
)
from closedserver.matrix.unpadded_base64 import decode_base64

SEED = decode_base64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1")
KEY = SigningKey.from_seed(SEED, "1")


def test_key_id() -> None:
    assert KEY.key_id == "ed25519:1"


def test_signing_an_empty_object() -> None:
    assert sign_json({}, "domain", KEY) == {
        "signatures": {
            "domain": {
                "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5Q"
                "V/7Xg4ahLwYGYZzuHGZKM5ZAQ"
            }
        }
    }


def test_signing_an_object_with_data() -> None:
    assert sign_json({"one": 1, "two": "Two"}, "domain", KEY) == {
        "one": 1,
        "signatures": {
            "domain": {
                "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7"
                "vBZhG6kYdD13EIMJpvhJI+6Bw"
            }
        },
        "two": "Two",
    }


def test_unsigned_and_existing_signatures_are_kept_and_not_signed() -> None:
    obj = {"one": 1, "two": "Two", "unsigned": {"age_ts": 5}, "signatures": {"other": {"k": "v"}}}
    signed = sign_json(obj, "domain", KEY)
    assert signed["unsigned"] == {"age_ts": 5}
    assert signed["signatures"]["other"] == {"k": "v"}
    assert signed["signatures"]["domain"]["ed25519:1"].startswith("KqmLSbO39")
    assert "domain" not in obj["signatures"]  # the input is not modified


def test_verify_round_trip() -> None:
    signed = sign_json({"a": "b"}, "domain", KEY)
    verify_json_signature(signed, "domain", "ed25519:1", KEY.verify_key)
    public = decode_verify_key(KEY.public_key_base64)
    verify_json_signature(signed | {"unsigned": {"x": 1}}, "domain", "ed25519:1", public)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s | {"a": "c"}, "does not verify"),
        (lambda s: s | {"signatures": {}}, "no signatures from domain"),
        (lambda s: {k: v for k, v in s.items() if k != "signatures"}, "no signatures"),
        (lambda s: s | {"signatures": {"domain": {"ed25519:2": "x"}}}, "with key ed25519:1"),
        (lambda s: s | {"signatures": {"domain": {"ed25519:1": "!!"}}}, "not Base64"),
    ],
)
def test_verify_failures_say_what_is_wrong(change: Callable[[dict], dict], message: str) -> None:
    signed = change(sign_json({"a": "b"}, "domain", KEY))
    with pytest.raises(SignatureError, match=message):
        verify_json_signature(signed, "domain", "ed25519:1", KEY.verify_key)


def test_wrong_key_does_not_verify() -> None:
    signed = sign_json({"a": "b"}, "domain", KEY)
    with pytest.raises(SignatureError):
        verify_json_signature(signed, "domain", "ed25519:1", SigningKey.generate().verify_key)


def test_key_file_format_is_synapses() -> None:
    text = encode_signing_keys([KEY])
    assert text == "ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0\n"
    (decoded,) = decode_signing_keys(text)
    assert decoded.key_id == "ed25519:1"
    assert decoded.public_key_base64 == KEY.public_key_base64


def test_generated_keys_survive_a_file(tmp_path: Path) -> None:
    key = SigningKey.generate()
    assert key.version.startswith("a_")
    path = tmp_path / "signing.key"
    save_signing_key(path, key)
    assert path.stat().st_mode & 0o777 == 0o600
    (loaded,) = load_signing_keys(path)
    assert (loaded.version, loaded.public_key_base64) == (key.version, key.public_key_base64)


@pytest.mark.parametrize(
    "bad", ["ed25519 1", "rsa 1 AAAA", "ed25519 1 AAAA", "ed25519 b@d " + "A" * 43]
)
def test_malformed_key_files_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_signing_keys(bad)


def test_repr_hides_the_seed() -> None:
    assert repr(KEY) == "SigningKey(ed25519:1)"
