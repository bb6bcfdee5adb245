"""POST /keys/upload: device keys, one-time keys, fallback keys."""

import httpx

from tests.api.e2ee_keys import TestDevice
from tests.helpers import C3, assert_matrix_error


def device_of(client) -> TestDevice:
    return TestDevice(client.user_id, client.device_id)


def query(client, user_id: str):
    resp = client.post("/keys/query", {"device_keys": {user_id: []}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_upload_device_keys_and_query_them_back(server, alice, bob):
    device = device_of(alice)
    keys = device.device_keys()
    resp = alice.post("/keys/upload", {"device_keys": keys})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"one_time_key_counts": {"signed_curve25519": 0}}
    shown = query(bob, alice.user_id)["device_keys"][alice.user_id][alice.device_id]
    assert {k: v for k, v in shown.items() if k != "unsigned"} == keys


def test_query_shows_the_device_display_name_as_unsigned(server, alice):
    alice.put(f"/devices/{alice.device_id}", {"display_name": "Alice's phone"})
    alice.post("/keys/upload", {"device_keys": device_of(alice).device_keys()})
    shown = query(alice, alice.user_id)["device_keys"][alice.user_id][alice.device_id]
    assert shown["unsigned"] == {"device_display_name": "Alice's phone"}


def test_uploading_the_same_device_keys_again_is_fine(server, alice):
    keys = device_of(alice).device_keys()
    assert alice.post("/keys/upload", {"device_keys": keys}).status_code == 200
    assert alice.post("/keys/upload", {"device_keys": keys}).status_code == 200


def test_identity_keys_cannot_be_replaced(server, alice):
    alice.post("/keys/upload", {"device_keys": device_of(alice).device_keys()})
    other = device_of(alice).device_keys()
    assert_matrix_error(alice.post("/keys/upload", {"device_keys": other}), 400,
                        "M_INVALID_PARAM")


def test_device_keys_must_name_the_requesting_user_and_device(server, alice, bob):
    for_bob = TestDevice(bob.user_id, alice.device_id).device_keys()
    assert_matrix_error(alice.post("/keys/upload", {"device_keys": for_bob}), 400,
                        "M_INVALID_PARAM")
    other_device = TestDevice(alice.user_id, "OTHERDEVICE").device_keys()
    assert_matrix_error(alice.post("/keys/upload", {"device_keys": other_device}), 400,
                        "M_INVALID_PARAM")


def test_malformed_device_keys_are_bad_json(server, alice):
    keys = device_of(alice).device_keys()
    for broken in ({**keys, "keys": "nope"}, {**keys, "algorithms": [1]},
                   {k: v for k, v in keys.items() if k != "signatures"}, "a string"):
        assert_matrix_error(alice.post("/keys/upload", {"device_keys": broken}), 400,
                            "M_BAD_JSON")


def test_one_time_keys_are_counted(server, alice):
    device = device_of(alice)
    resp = alice.post("/keys/upload", {"one_time_keys": device.one_time_keys(5)})
    assert resp.json() == {"one_time_key_counts": {"signed_curve25519": 5}}
    resp = alice.post("/keys/upload", {"one_time_keys": {"curve25519:AAAB": "a2V5"}})
    assert resp.json() == {"one_time_key_counts": {"signed_curve25519": 5, "curve25519": 1}}


def test_reuploading_an_identical_one_time_key_is_idempotent(server, alice):
    keys = device_of(alice).one_time_keys(3)
    alice.post("/keys/upload", {"one_time_keys": keys})
    resp = alice.post("/keys/upload", {"one_time_keys": keys})
    assert resp.json()["one_time_key_counts"]["signed_curve25519"] == 3


def test_a_key_id_reused_with_different_content_is_refused(server, alice):
    device = device_of(alice)
    keys = device.one_time_keys(2)
    alice.post("/keys/upload", {"one_time_keys": keys})
    key_id = next(iter(keys))
    changed = {key_id: device.sign({"key": "ZGlmZmVyZW50"})}
    resp = alice.post("/keys/upload", {"one_time_keys": changed})
    assert_matrix_error(resp, 400, "M_INVALID_PARAM")
    count = alice.post("/keys/upload", {}).json()["one_time_key_counts"]
    assert count["signed_curve25519"] == 2


def test_a_refused_upload_stores_nothing(server, alice):
    device = device_of(alice)
    keys = device.one_time_keys(1)
    alice.post("/keys/upload", {"one_time_keys": keys})
    clash = {**device.one_time_keys(3),
             next(iter(keys)): device.sign({"key": "b3RoZXI"})}
    assert_matrix_error(alice.post("/keys/upload", {"one_time_keys": clash}), 400,
                        "M_INVALID_PARAM")
    assert alice.post("/keys/upload", {}).json()["one_time_key_counts"] == {
        "signed_curve25519": 1}


def test_malformed_one_time_keys_are_bad_json(server, alice):
    for broken in ({"no_colon": "a2V5"}, {"signed_curve25519:A": {"key": 1}},
                   {"signed_curve25519:A": 5}, ["list"]):
        assert_matrix_error(alice.post("/keys/upload", {"one_time_keys": broken}), 400,
                            "M_BAD_JSON")


def test_only_one_fallback_key_per_algorithm(server, alice):
    device = device_of(alice)
    two = {**device.fallback_key(), **device.fallback_key()}
    assert_matrix_error(alice.post("/keys/upload", {"fallback_keys": two}), 400,
                        "M_INVALID_PARAM")
    resp = alice.post("/keys/upload", {"fallback_keys": device.fallback_key()})
    assert resp.status_code == 200, resp.text


def test_upload_needs_an_access_token(server):
    resp = httpx.post(f"{server.url}{C3}/keys/upload", json={})
    assert_matrix_error(resp, 401, "M_MISSING_TOKEN")
