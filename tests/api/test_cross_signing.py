"""Cross-signing: POST /keys/device_signing/upload and POST /keys/signatures/upload, with
real ed25519 signatures, and what /keys/query shows to whom."""

import pytest

from tests.api.e2ee_keys import CrossSigningSet, TestDevice, public_key, sign
from tests.helpers import assert_matrix_error, login, register


def query(client, *user_ids: str) -> dict:
    resp = client.post("/keys/query", {"device_keys": {u: [] for u in user_ids}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def set_up(client) -> tuple[TestDevice, CrossSigningSet]:
    """Device keys and cross-signing keys for a fresh user."""
    device = TestDevice(client.user_id, client.device_id)
    assert client.post("/keys/upload", {"device_keys": device.device_keys()}).status_code == 200
    keys = CrossSigningSet(client.user_id)
    resp = client.post("/keys/device_signing/upload", keys.upload_body())
    assert resp.status_code == 200, resp.text
    return device, keys


def test_first_upload_needs_no_uia_and_query_shows_the_keys(server, alice, bob):
    _, keys = set_up(alice)
    for viewer in (alice, bob):
        body = query(viewer, alice.user_id)
        assert body["master_keys"][alice.user_id] == keys.key("master")
        assert body["self_signing_keys"][alice.user_id] == keys.key("self_signing")
    assert query(alice, alice.user_id)["user_signing_keys"] == {
        alice.user_id: keys.key("user_signing")}
    assert query(bob, alice.user_id)["user_signing_keys"] == {}


def test_uploading_the_same_keys_again_needs_no_uia(server, alice):
    _, keys = set_up(alice)
    resp = alice.post("/keys/device_signing/upload", keys.upload_body())
    assert resp.status_code == 200, resp.text


def test_replacing_keys_needs_the_password(server, alice):
    set_up(alice)
    new = CrossSigningSet(alice.user_id)
    first = alice.post("/keys/device_signing/upload", new.upload_body())
    assert first.status_code == 401
    assert first.json()["flows"] == [{"stages": ["m.login.password"]}]
    ok = alice.post("/keys/device_signing/upload", {
        **new.upload_body(), "auth": alice.password_auth(first.json()["session"])})
    assert ok.status_code == 200, ok.text
    assert query(alice, alice.user_id)["master_keys"][alice.user_id] == new.key("master")


def test_keys_must_be_signed_by_the_master_key(server, alice):
    keys = CrossSigningSet(alice.user_id)
    other = CrossSigningSet(alice.user_id)
    body = {**keys.upload_body(), "self_signing_key": other.key("self_signing")}
    assert_matrix_error(alice.post("/keys/device_signing/upload", body), 400,
                        "M_INVALID_SIGNATURE")


def test_a_self_signing_key_without_any_master_key_is_missing_param(server, alice):
    keys = CrossSigningSet(alice.user_id)
    resp = alice.post("/keys/device_signing/upload",
                      {"self_signing_key": keys.key("self_signing")})
    assert_matrix_error(resp, 400, "M_MISSING_PARAM")


def test_a_new_self_signing_key_alone_is_checked_against_the_stored_master(server, alice):
    _, keys = set_up(alice)
    keys.self_signing = CrossSigningSet(alice.user_id).self_signing
    body = {"self_signing_key": keys.key("self_signing"), "auth": alice.password_auth()}
    assert alice.post("/keys/device_signing/upload", body).status_code == 200


def test_a_cross_signing_key_may_not_equal_a_device_id(server):
    keys = CrossSigningSet("@placeholder:localhost")
    device_id = public_key(keys.master)
    client = register(server.url, device_id=device_id)
    keys.user_id = client.user_id
    resp = client.post("/keys/device_signing/upload", {"master_key": keys.key("master")})
    assert_matrix_error(resp, 403, "M_FORBIDDEN")


@pytest.mark.parametrize("usage", ["master", "self_signing", "user_signing"])
def test_login_may_not_take_a_cross_signing_public_key_as_device_id(server, alice, usage):
    # Spec: login 403 M_FORBIDDEN when "the requested device ID is the same as a
    # cross-signing key ID"; E2EE module: device IDs must not collide with cross-signing
    # public keys (verification treats the master key as a device of that ID).
    _, keys = set_up(alice)
    for device_id in (public_key(getattr(keys, usage)), keys.key_id(usage)):
        assert_matrix_error(login(server.url, alice.user_id, device_id=device_id), 403,
                            "M_FORBIDDEN")
    devices = alice.get("/devices").json()["devices"]
    assert [d["device_id"] for d in devices] == [alice.device_id]


@pytest.mark.parametrize("change", [
    {"user_id": "@someone:localhost"}, {"usage": ["self_signing"]}, {"keys": {}},
    {"keys": {"ed25519:abc": "abc"}}])
def test_malformed_cross_signing_keys_are_invalid_param(server, alice, change):
    master = {**CrossSigningSet(alice.user_id).key("master"), **change}
    assert_matrix_error(alice.post("/keys/device_signing/upload", {"master_key": master}), 400,
                        "M_INVALID_PARAM")


def test_self_signing_signature_on_a_device_shows_for_another_user(server, alice, bob):
    device, keys = set_up(alice)
    signed = keys.sign_with("self_signing", device.device_keys())
    resp = alice.post("/keys/signatures/upload", {alice.user_id: {alice.device_id: signed}})
    assert resp.status_code == 200 and resp.json() == {"failures": {}}
    shown = query(bob, alice.user_id)["device_keys"][alice.user_id][alice.device_id]
    assert shown["signatures"][alice.user_id] == signed["signatures"][alice.user_id]
    assert keys.key_id("self_signing") in shown["signatures"][alice.user_id]


def test_a_device_signs_its_own_master_key(server, alice, bob):
    device, keys = set_up(alice)
    signed = device.sign(keys.key("master"))
    master_id = public_key(keys.master)
    forged = sign(keys.key("master"), alice.user_id, device.key_id,
                  CrossSigningSet(alice.user_id).master)
    resp = alice.post("/keys/signatures/upload", {alice.user_id: {master_id: forged}})
    assert resp.json()["failures"][alice.user_id][master_id]["errcode"] == \
        "M_INVALID_SIGNATURE"
    assert "signatures" not in query(bob, alice.user_id)["master_keys"][alice.user_id]
    resp = alice.post("/keys/signatures/upload", {alice.user_id: {master_id: signed}})
    assert resp.json() == {"failures": {}}
    shown = query(bob, alice.user_id)["master_keys"][alice.user_id]
    assert shown["signatures"][alice.user_id][device.key_id] == \
        signed["signatures"][alice.user_id][device.key_id]


def test_user_signing_signature_is_seen_only_by_the_signer(server, alice, bob):
    _, alice_keys = set_up(alice)
    _, bob_keys = set_up(bob)
    carol = register(server.url)
    bob_master = bob_keys.key("master")
    signed = alice_keys.sign_with("user_signing", bob_master)
    resp = alice.post("/keys/signatures/upload",
                      {bob.user_id: {public_key(bob_keys.master): signed}})
    assert resp.json() == {"failures": {}}
    seen_by_alice = query(alice, bob.user_id)["master_keys"][bob.user_id]
    assert seen_by_alice["signatures"][alice.user_id] == signed["signatures"][alice.user_id]
    for viewer in (bob, carol):
        seen = query(viewer, bob.user_id)["master_keys"][bob.user_id]
        assert alice.user_id not in seen.get("signatures", {})


def test_bad_signatures_are_per_key_failures(server, alice, bob):
    device, keys = set_up(alice)
    _, bob_keys = set_up(bob)
    forged = sign(device.device_keys(), alice.user_id, keys.key_id("self_signing"),
                  CrossSigningSet(alice.user_id).self_signing)
    changed = keys.sign_with("self_signing", {**device.device_keys(), "algorithms": []})
    good = keys.sign_with("self_signing", device.device_keys())
    unsigned_master = bob_keys.key("master")
    resp = alice.post("/keys/signatures/upload", {
        alice.user_id: {"NOSUCHDEVICE": good, alice.device_id: forged},
        bob.user_id: {public_key(bob_keys.master): unsigned_master, "WRONG": good},
        "@eve:elsewhere.example": {"KEY": good}})
    failures = resp.json()["failures"]
    assert failures[alice.user_id]["NOSUCHDEVICE"]["errcode"] == "M_NOT_FOUND"
    assert failures[alice.user_id][alice.device_id]["errcode"] == "M_INVALID_SIGNATURE"
    assert failures[bob.user_id][public_key(bob_keys.master)]["errcode"] == \
        "M_INVALID_SIGNATURE"
    assert failures[bob.user_id]["WRONG"]["errcode"] == "M_NOT_FOUND"
    assert failures["@eve:elsewhere.example"]["KEY"]["errcode"] == "M_FORBIDDEN"
    resp = alice.post("/keys/signatures/upload", {alice.user_id: {alice.device_id: changed}})
    assert resp.json()["failures"][alice.user_id][alice.device_id]["errcode"] == \
        "M_INVALID_SIGNATURE"
    shown = query(bob, alice.user_id)["device_keys"][alice.user_id][alice.device_id]
    assert keys.key_id("self_signing") not in shown["signatures"][alice.user_id]


def test_signing_devices_without_a_self_signing_key_fails(server, alice):
    device = TestDevice(alice.user_id, alice.device_id)
    alice.post("/keys/upload", {"device_keys": device.device_keys()})
    signed = CrossSigningSet(alice.user_id).sign_with("self_signing", device.device_keys())
    resp = alice.post("/keys/signatures/upload", {alice.user_id: {alice.device_id: signed}})
    assert resp.json()["failures"][alice.user_id][alice.device_id]["errcode"] == \
        "M_INVALID_SIGNATURE"


def test_replacing_the_self_signing_key_drops_its_device_signatures(server, alice, bob):
    device, keys = set_up(alice)
    alice.post("/keys/signatures/upload", {alice.user_id: {
        alice.device_id: keys.sign_with("self_signing", device.device_keys())}})
    old_key_id = keys.key_id("self_signing")
    keys.self_signing = CrossSigningSet(alice.user_id).self_signing
    resp = alice.post("/keys/device_signing/upload", {
        "self_signing_key": keys.key("self_signing"), "auth": alice.password_auth()})
    assert resp.status_code == 200, resp.text
    shown = query(bob, alice.user_id)["device_keys"][alice.user_id][alice.device_id]
    assert old_key_id not in shown["signatures"][alice.user_id]


def test_signatures_upload_errors(server, alice):
    resp = alice.post("/keys/signatures/upload", {alice.user_id: "nope"})
    assert_matrix_error(resp, 400, "M_BAD_JSON")
    resp = alice.post("/keys/signatures/upload", {alice.user_id: {"X": "nope"}})
    assert resp.json()["failures"][alice.user_id]["X"]["errcode"] == "M_BAD_JSON"
