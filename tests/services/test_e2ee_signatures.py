"""services/e2ee/signatures.py against the spec's signing test vectors (appendices,
"Signing JSON" > "JSON Signing"), and the ways a signature can fail."""

import base64

import nacl.signing
import pytest

from closedserver.matrix.unpadded_base64 import decode_base64
from closedserver.services.e2ee.signatures import (
    ed25519_key,
    same_signed_content,
    verify_signature,
)

SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"
PUBLIC_KEY = base64.b64encode(bytes(nacl.signing.SigningKey(
    base64.b64decode(SEED + "=")).verify_key)).decode().rstrip("=")
EMPTY_SIGNED = {"signatures": {"domain": {
    "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZ"
                 "KM5ZAQ"}}}
DATA_SIGNED = {"one": 1, "two": "Two", "signatures": {"domain": {
    "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIM"
                 "JpvhJI+6Bw"}}}


@pytest.mark.parametrize("signed", [EMPTY_SIGNED, DATA_SIGNED])
def test_the_spec_vectors_verify(signed):
    assert verify_signature(signed, "domain", "ed25519:1", PUBLIC_KEY)
    assert verify_signature({**signed, "unsigned": {"age": 5}}, "domain", "ed25519:1",
                            PUBLIC_KEY)


def test_changed_content_wrong_signer_or_key_do_not_verify():
    assert not verify_signature({**DATA_SIGNED, "two": "2"}, "domain", "ed25519:1", PUBLIC_KEY)
    assert not verify_signature(DATA_SIGNED, "other", "ed25519:1", PUBLIC_KEY)
    assert not verify_signature(DATA_SIGNED, "domain", "ed25519:2", PUBLIC_KEY)
    other_key = base64.b64encode(bytes(nacl.signing.SigningKey.generate().verify_key))
    assert not verify_signature(DATA_SIGNED, "domain", "ed25519:1", other_key.decode())
    assert not verify_signature(DATA_SIGNED, "domain", "ed25519:1", "not base64!")
    broken = {**DATA_SIGNED, "signatures": {"domain": {"ed25519:1": "AAAA"}}}
    assert not verify_signature(broken, "domain", "ed25519:1", PUBLIC_KEY)
    assert not verify_signature({"signatures": "x"}, "domain", "ed25519:1", PUBLIC_KEY)


def test_same_signed_content_ignores_signatures_and_unsigned():
    assert same_signed_content(DATA_SIGNED, {"two": "Two", "one": 1, "unsigned": {}})
    assert not same_signed_content(DATA_SIGNED, {"one": 1})


def test_unpadded_base64():
    # Keys and signatures are decoded by matrix/unpadded_base64.py (ValueError when bad).
    assert decode_base64("YQ") == b"a" and decode_base64("YQ==") == b"a"
    for bad in ("Y$Q", "é"):
        with pytest.raises(ValueError):
            decode_base64(bad)


def test_ed25519_key_needs_32_bytes_of_base64():
    assert bytes(ed25519_key(PUBLIC_KEY)) == base64.b64decode(PUBLIC_KEY + "=")
    for bad in ("Y$Q", "é", "YQ", 5, None):
        assert ed25519_key(bad) is None
