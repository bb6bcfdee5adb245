"""POST /keys/query and POST /keys/claim (one-time keys once each, then the fallback key)."""

from concurrent.futures import ThreadPoolExecutor

from tests.api.e2ee_keys import TestDevice
from tests.helpers import assert_matrix_error, login


def upload(client, **body):
    resp = client.post("/keys/upload", body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def claim(client, user_id: str, device_id: str, algorithm: str = "signed_curve25519"):
    resp = client.post("/keys/claim", {"one_time_keys": {user_id: {device_id: algorithm}}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_query_lists_every_device_with_keys_or_only_those_asked_for(server, alice, bob):
    second = login(server.url, alice.localpart).json()
    first_keys = TestDevice(alice.user_id, alice.device_id).device_keys()
    upload(alice, device_keys=first_keys)
    resp = bob.post("/keys/query", {"device_keys": {alice.user_id: []}})
    # The second device has no keys yet, so it is not listed.
    assert list(resp.json()["device_keys"][alice.user_id]) == [alice.device_id]
    resp = bob.post("/keys/query", {"device_keys": {alice.user_id: [second["device_id"]]}})
    assert resp.json()["device_keys"] == {alice.user_id: {}}
    resp = bob.post("/keys/query", {"device_keys": {alice.user_id: [alice.device_id]}})
    assert list(resp.json()["device_keys"][alice.user_id]) == [alice.device_id]


def test_query_of_unknown_local_user_is_empty_and_remote_user_is_a_failure(server, alice):
    resp = alice.post("/keys/query", {"device_keys": {"@nobody:localhost": [],
                                                      "@someone:elsewhere.example": []}})
    assert resp.status_code == 200
    body = resp.json()
    assert body["device_keys"] == {"@nobody:localhost": {}}
    assert list(body["failures"]) == ["elsewhere.example"]


def test_query_errors(server, alice):
    assert_matrix_error(alice.post("/keys/query", {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.post("/keys/query", {"device_keys": {alice.user_id: "x"}}),
                        400, "M_BAD_JSON")
    assert_matrix_error(alice.post("/keys/query", {"device_keys": {"alice": []}}), 400,
                        "M_INVALID_PARAM")
    # A server name outside the grammar is no server to report a failure for.
    assert_matrix_error(alice.post("/keys/query", {"device_keys": {"@bob:not a host": []}}),
                        400, "M_INVALID_PARAM")


def test_claim_hands_out_keys_in_upload_order_then_the_fallback_key(server, alice, bob):
    device = TestDevice(alice.user_id, alice.device_id)
    first, second = device.one_time_keys(1), device.one_time_keys(1)
    fallback = device.fallback_key()
    upload(alice, one_time_keys=first)
    upload(alice, one_time_keys=second, fallback_keys=fallback)
    got = [claim(bob, alice.user_id, alice.device_id)["one_time_keys"][alice.user_id]
           [alice.device_id] for _ in range(4)]
    assert got == [first, second, fallback, fallback]
    counts = upload(alice)["one_time_key_counts"]
    assert counts == {"signed_curve25519": 0}


def test_claim_of_unknown_device_or_algorithm_returns_nothing(server, alice, bob):
    upload(alice, one_time_keys=TestDevice(alice.user_id, alice.device_id).one_time_keys(1))
    assert claim(bob, alice.user_id, "NODEVICE")["one_time_keys"] == {}
    assert claim(bob, alice.user_id, alice.device_id, "other_alg")["one_time_keys"] == {}
    assert claim(bob, "@nobody:localhost", "X")["one_time_keys"] == {}


def test_claim_for_remote_user_is_a_failure(server, alice):
    body = claim(alice, "@bob:elsewhere.example", "DEVICE")
    assert body["one_time_keys"] == {} and list(body["failures"]) == ["elsewhere.example"]


def test_claim_errors(server, alice):
    assert_matrix_error(alice.post("/keys/claim", {}), 400, "M_MISSING_PARAM")
    bad = {"one_time_keys": {alice.user_id: {"DEV": 5}}}
    assert_matrix_error(alice.post("/keys/claim", bad), 400, "M_BAD_JSON")
    bad = {"one_time_keys": {alice.user_id: ["DEV"]}}
    assert_matrix_error(alice.post("/keys/claim", bad), 400, "M_BAD_JSON")


def test_twenty_concurrent_claims_of_ten_keys_give_each_key_once_then_fallback(
        server, alice, bob):
    device = TestDevice(alice.user_id, alice.device_id)
    one_time = device.one_time_keys(10)
    fallback = device.fallback_key()
    upload(alice, one_time_keys=one_time, fallback_keys=fallback)

    def claim_one(_: int) -> dict:
        resp = bob.http.post("/_matrix/client/v3/keys/claim", json={
            "one_time_keys": {alice.user_id: {alice.device_id: "signed_curve25519"}}})
        assert resp.status_code == 200, resp.text
        return resp.json()["one_time_keys"][alice.user_id][alice.device_id]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(claim_one, range(20)))
    one_time_ids = [key_id for got in results for key_id in got if key_id not in fallback]
    assert sorted(one_time_ids) == sorted(one_time)
    assert [got for got in results if next(iter(got)) in fallback] == [fallback] * 10
    for got in results:
        [(key_id, key)] = got.items()
        assert key == {**one_time, **fallback}[key_id]
