"""Discovery endpoints, CORS, and the error shapes every endpoint shares."""

import httpx

from tests.helpers import C3, assert_matrix_error


def test_versions_lists_supported_spec_versions(server):
    resp = httpx.get(f"{server.url}/_matrix/client/versions")
    assert resp.status_code == 200
    versions = resp.json()["versions"]
    assert "v1.1" in versions and all(v.startswith("v1.") for v in versions)


def test_well_known_client_points_at_the_base_url(server):
    resp = httpx.get(f"{server.url}/.well-known/matrix/client")
    assert resp.json() == {"m.homeserver": {"base_url": server.url}}


def test_capabilities_need_a_token_and_announce_room_versions(server, alice):
    assert_matrix_error(httpx.get(f"{server.url}{C3}/capabilities"), 401, "M_MISSING_TOKEN")
    caps = alice.get("/capabilities").json()["capabilities"]
    assert caps["m.room_versions"]["default"] == "12"
    assert set(caps["m.room_versions"]["available"]) == {"10", "11", "12"}
    assert caps["m.change_password"] == {"enabled": True}


def test_unknown_path_is_404_unrecognized(server):
    assert_matrix_error(httpx.get(f"{server.url}{C3}/no/such/thing"), 404, "M_UNRECOGNIZED")


def test_wrong_method_is_405_unrecognized(server):
    assert_matrix_error(httpx.delete(f"{server.url}{C3}/login"), 405, "M_UNRECOGNIZED")


def test_federation_and_key_routes_do_not_exist_when_federation_is_off(server):
    for path in ("/_matrix/federation/v1/version", "/_matrix/key/v2/server",
                 "/_matrix/federation/v2/send_join/!a:b/$c"):
        assert_matrix_error(httpx.get(server.url + path), 404, "M_UNRECOGNIZED")


def test_body_that_is_not_json_is_400_not_json(server):
    resp = httpx.post(f"{server.url}{C3}/login", content=b"{not json")
    assert_matrix_error(resp, 400, "M_NOT_JSON")


def test_json_of_the_wrong_shape_is_400_bad_json(server):
    assert_matrix_error(httpx.post(f"{server.url}{C3}/login", json=[1, 2]), 400, "M_BAD_JSON")
    resp = httpx.post(f"{server.url}{C3}/login", json={"type": 5})
    assert_matrix_error(resp, 400, "M_BAD_JSON")


def test_missing_parameter_is_400(server):
    assert_matrix_error(httpx.post(f"{server.url}{C3}/login", json={}), 400, "M_MISSING_PARAM")


def test_cors_headers_on_answers_and_preflight(server):
    resp = httpx.get(f"{server.url}/_matrix/client/versions")
    assert resp.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(f"{server.url}{C3}/login",
                              headers={"Origin": "https://app.example",
                                       "Access-Control-Request-Method": "POST"})
    assert preflight.status_code in (200, 204)
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_errors_carry_cors_headers_too(server):
    resp = httpx.get(f"{server.url}{C3}/account/whoami")
    assert resp.status_code == 401
    assert resp.headers["access-control-allow-origin"] == "*"
