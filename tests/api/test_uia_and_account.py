"""User-interactive auth on password change, device deletion and deactivation."""

import httpx

from tests.helpers import C3, PASSWORD, assert_matrix_error, login


def test_password_change_requires_uia_and_logs_out_other_devices(server, alice):
    other = login(server.url, alice.localpart).json()
    first = alice.post("/account/password", {"new_password": "a new password"})
    assert first.status_code == 401
    uia = first.json()
    assert uia["flows"] == [{"stages": ["m.login.password"]}]
    wrong = alice.post("/account/password", {"new_password": "a new password", "auth": {
        **alice.password_auth(uia["session"]), "password": "not it"}})
    body = assert_matrix_error(wrong, 401, "M_FORBIDDEN")
    assert body["session"] == uia["session"] and body["flows"] == uia["flows"]
    ok = alice.post("/account/password", {"new_password": "a new password",
                                          "auth": alice.password_auth(uia["session"])})
    assert ok.status_code == 200, ok.text
    assert alice.get("/account/whoami").status_code == 200
    resp = httpx.get(f"{server.url}{C3}/account/whoami",
                     headers={"Authorization": f"Bearer {other['access_token']}"})
    assert_matrix_error(resp, 401, "M_UNKNOWN_TOKEN")
    assert login(server.url, alice.localpart, "a new password").status_code == 200
    assert_matrix_error(login(server.url, alice.localpart, PASSWORD), 403, "M_FORBIDDEN")


def test_password_change_can_keep_other_devices(server, alice):
    other = login(server.url, alice.localpart).json()
    ok = alice.post("/account/password", {"new_password": "another password",
                                          "logout_devices": False,
                                          "auth": alice.password_auth()})
    assert ok.status_code == 200
    resp = httpx.get(f"{server.url}{C3}/account/whoami",
                     headers={"Authorization": f"Bearer {other['access_token']}"})
    assert resp.status_code == 200


def test_uia_cannot_authenticate_as_someone_else(server, alice, bob):
    resp = alice.post("/account/password", {"new_password": "x" * 12,
                                            "auth": bob.password_auth()})
    assert_matrix_error(resp, 401, "M_FORBIDDEN")


def test_uia_session_of_another_operation_is_refused(server, alice):
    session = alice.post("/account/password", {"new_password": "x" * 12}).json()["session"]
    resp = alice.post("/account/deactivate", {"auth": alice.password_auth(session)})
    assert_matrix_error(resp, 403, "M_FORBIDDEN")


def test_delete_device_with_uia(server, alice):
    other = login(server.url, alice.localpart).json()
    path = f"/devices/{other['device_id']}"
    assert alice.delete(path).status_code == 401
    ok = alice.delete(path, json={"auth": alice.password_auth()})
    assert ok.status_code == 200, ok.text
    assert_matrix_error(alice.get(path), 404, "M_NOT_FOUND")


def test_delete_devices_with_uia(server, alice):
    ids = [login(server.url, alice.localpart).json()["device_id"] for _ in range(2)]
    resp = alice.post("/delete_devices", {"devices": ids})
    assert resp.status_code == 401
    ok = alice.post("/delete_devices", {"devices": ids, "auth": alice.password_auth(
        resp.json()["session"])})
    assert ok.status_code == 200
    remaining = [d["device_id"] for d in alice.get("/devices").json()["devices"]]
    assert remaining == [alice.device_id]


def test_delete_one_device_with_uia_and_again_once_it_is_gone(server, alice):
    device_id = login(server.url, alice.localpart).json()["device_id"]
    first = alice.delete(f"/devices/{device_id}", json={})
    assert first.status_code == 401
    auth = {"auth": alice.password_auth(first.json()["session"])}
    assert alice.delete(f"/devices/{device_id}", json=auth).status_code == 200
    assert_matrix_error(alice.get(f"/devices/{device_id}"), 404, "M_NOT_FOUND")
    # Spec: 200 when the device "was successfully removed, or had been removed previously".
    again = alice.delete(f"/devices/{device_id}", json={})
    assert again.status_code == 401
    auth = {"auth": alice.password_auth(again.json()["session"])}
    assert alice.delete(f"/devices/{device_id}", json=auth).status_code == 200


def test_unknown_device_is_404(server, alice):
    assert_matrix_error(alice.get("/devices/NOPE"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.put("/devices/NOPE", {"display_name": "x"}), 404, "M_NOT_FOUND")


def test_rename_device(server, alice):
    assert alice.put(f"/devices/{alice.device_id}", {"display_name": "Desk"}).status_code == 200
    assert alice.get(f"/devices/{alice.device_id}").json()["display_name"] == "Desk"


def test_renaming_without_a_display_name_leaves_it_unchanged(server, alice):
    # Spec (PUT /devices/{deviceId}): "If not given, the display name is unchanged."
    assert alice.put(f"/devices/{alice.device_id}", {"display_name": "Desk"}).status_code == 200
    assert alice.put(f"/devices/{alice.device_id}", {}).status_code == 200
    assert alice.get(f"/devices/{alice.device_id}").json()["display_name"] == "Desk"


def test_deactivation_revokes_tokens_erases_profile_and_blocks_login(server, alice):
    resp = alice.post("/account/deactivate", {"auth": alice.password_auth()})
    assert resp.json() == {"id_server_unbind_result": "success"}
    assert_matrix_error(alice.get("/account/whoami"), 401, "M_UNKNOWN_TOKEN")
    assert_matrix_error(login(server.url, alice.localpart), 403, "M_FORBIDDEN")
    profile = httpx.get(f"{server.url}{C3}/profile/{alice.user_id}",
                        headers={"Authorization": f"Bearer {alice.access_token}"})
    assert profile.status_code == 401


def test_devices_report_when_and_where_they_were_last_seen(server, alice):
    alice.get("/account/whoami")
    device = alice.get(f"/devices/{alice.device_id}").json()
    assert device["last_seen_ip"] == "127.0.0.1"
    assert device["last_seen_ts"] > 0
