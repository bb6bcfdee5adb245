"""Login, whoami, logout and refresh tokens over raw HTTP."""

import time

import httpx

from tests.helpers import C3, PASSWORD, assert_matrix_error, login, register


def test_login_flows_offer_password(server):
    flows = httpx.get(f"{server.url}{C3}/login").json()["flows"]
    assert {"type": "m.login.password"} in flows


def test_login_with_localpart_full_id_and_deprecated_user_field(server, alice):
    assert login(server.url, alice.localpart).status_code == 200
    assert login(server.url, alice.user_id).status_code == 200
    resp = httpx.post(f"{server.url}{C3}/login", json={
        "type": "m.login.password", "user": alice.localpart, "password": PASSWORD})
    assert resp.status_code == 200
    body = resp.json()
    assert body["user_id"] == alice.user_id
    assert body["access_token"] and body["device_id"]


def test_wrong_password_and_unknown_user_are_403_forbidden(server, alice):
    assert_matrix_error(login(server.url, alice.localpart, "wrong password"), 403,
                        "M_FORBIDDEN")
    assert_matrix_error(login(server.url, "nobody-at-all"), 403, "M_FORBIDDEN")
    assert_matrix_error(login(server.url, "@someone:elsewhere.example"), 403, "M_FORBIDDEN")


def test_unsupported_login_type_is_400(server, alice):
    resp = httpx.post(f"{server.url}{C3}/login", json={"type": "m.login.token", "token": "x"})
    assert_matrix_error(resp, 400, "M_UNKNOWN")


def test_whoami_accepts_header_and_query_parameter(server, alice):
    assert alice.get("/account/whoami").json() == {
        "user_id": alice.user_id, "device_id": alice.device_id, "is_guest": False}
    resp = httpx.get(f"{server.url}{C3}/account/whoami",
                     params={"access_token": alice.access_token})
    assert resp.json()["user_id"] == alice.user_id


def test_unknown_token_is_401_without_soft_logout(server):
    resp = httpx.get(f"{server.url}{C3}/account/whoami",
                     headers={"Authorization": "Bearer nope"})
    body = assert_matrix_error(resp, 401, "M_UNKNOWN_TOKEN")
    assert body.get("soft_logout") is False


def test_logout_revokes_the_token_and_deletes_the_device(server, alice):
    second = login(server.url, alice.localpart).json()
    assert alice.post("/logout").status_code == 200
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")
    other = httpx.get(f"{server.url}{C3}/devices",
                      headers={"Authorization": f"Bearer {second['access_token']}"})
    device_ids = [d["device_id"] for d in other.json()["devices"]]
    assert alice.device_id not in device_ids and second["device_id"] in device_ids


def test_logout_all_revokes_every_token(server, alice):
    second = login(server.url, alice.localpart).json()
    assert alice.post("/logout/all").status_code == 200
    for token in (alice.access_token, second["access_token"]):
        resp = httpx.get(f"{server.url}{C3}/account/whoami",
                         headers={"Authorization": f"Bearer {token}"})
        assert_matrix_error(resp, 401, "M_UNKNOWN_TOKEN")


def test_login_with_known_device_id_reuses_it_and_revokes_old_token(server, alice):
    resp = login(server.url, alice.localpart, device_id=alice.device_id)
    assert resp.json()["device_id"] == alice.device_id
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")
    token = resp.json()["access_token"]
    devices = httpx.get(f"{server.url}{C3}/devices",
                        headers={"Authorization": f"Bearer {token}"}).json()["devices"]
    assert [d["device_id"] for d in devices] == [alice.device_id]


def test_login_with_new_device_id_and_display_name(server, alice):
    resp = login(server.url, alice.localpart, device_id="MYPHONE",
                 initial_device_display_name="Phone")
    assert resp.json()["device_id"] == "MYPHONE"
    device = alice.get("/devices/MYPHONE").json()
    assert device["device_id"] == "MYPHONE" and device["display_name"] == "Phone"
    assert device["last_seen_ip"] is None


def test_refresh_tokens_expire_refresh_and_revoke_the_old_pair(make_server):
    server = make_server(auth_access_token_lifetime="2s")
    register(server.url, "rita")
    first = login(server.url, "rita", refresh_token=True).json()
    assert first["expires_in_ms"] == 2000 and first["refresh_token"]

    def whoami(token):
        return httpx.get(f"{server.url}{C3}/account/whoami",
                         headers={"Authorization": f"Bearer {token}"})

    refreshed = httpx.post(f"{server.url}{C3}/refresh",
                           json={"refresh_token": first["refresh_token"]}).json()
    assert refreshed["access_token"] != first["access_token"]
    # Until the new token is used the old refresh token still works (spec).
    retry = httpx.post(f"{server.url}{C3}/refresh",
                       json={"refresh_token": first["refresh_token"]}).json()
    assert whoami(retry["access_token"]).status_code == 200
    resp = httpx.post(f"{server.url}{C3}/refresh", json={"refresh_token": first["refresh_token"]})
    assert_matrix_error(resp, 401, "M_UNKNOWN_TOKEN")
    assert_matrix_error(whoami(refreshed["access_token"]), 401, "M_UNKNOWN_TOKEN")
    time.sleep(2.1)
    body = assert_matrix_error(whoami(retry["access_token"]), 401, "M_UNKNOWN_TOKEN")
    assert body["soft_logout"] is True
    again = httpx.post(f"{server.url}{C3}/refresh",
                       json={"refresh_token": retry["refresh_token"]}).json()
    assert whoami(again["access_token"]).json()["user_id"].startswith("@rita:")


def test_login_is_rate_limited_per_address(make_server):
    server = make_server(rate_limits_enabled="true", rate_limits_login_per_address="3/min")
    for _ in range(3):
        assert_matrix_error(login(server.url, "nobody"), 403, "M_FORBIDDEN")
    body = assert_matrix_error(login(server.url, "nobody"), 429, "M_LIMIT_EXCEEDED")
    assert body["retry_after_ms"] > 0


def test_login_is_rate_limited_per_user(make_server):
    server = make_server(rate_limits_enabled="true", rate_limits_login_per_user="2/min",
                         rate_limits_login_per_address="off")
    register(server.url, "victim")
    for _ in range(2):
        assert_matrix_error(login(server.url, "victim", "bad password"), 403, "M_FORBIDDEN")
    assert_matrix_error(login(server.url, "victim"), 429, "M_LIMIT_EXCEEDED")
    assert login(server.url, "someone-else").status_code == 403
