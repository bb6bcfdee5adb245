"""Registration in its three modes, and registration tokens."""

import concurrent.futures

import httpx

from tests.helpers import C3, PASSWORD, assert_matrix_error, login, unique_name

V1 = "/_matrix/client/v1"


def register_raw(url, body, **params):
    return httpx.post(f"{url}{C3}/register", json=body, params=params, timeout=30)


def test_open_registration_asks_for_dummy_auth_then_registers(server):
    name = unique_name()
    first = register_raw(server.url, {"username": name, "password": PASSWORD})
    assert first.status_code == 401
    uia = first.json()
    assert uia["flows"] == [{"stages": ["m.login.dummy"]}] and uia["session"]
    done = register_raw(server.url, {"username": name, "password": PASSWORD,
                                     "initial_device_display_name": "Laptop",
                                     "auth": {"type": "m.login.dummy",
                                              "session": uia["session"]}})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["user_id"] == f"@{name}:{server.server_name}"
    assert body["access_token"] and body["device_id"]
    assert login(server.url, name).status_code == 200


def test_username_taken_or_invalid_is_refused_before_auth(server, alice):
    resp = register_raw(server.url, {"username": alice.localpart, "password": PASSWORD})
    assert_matrix_error(resp, 400, "M_USER_IN_USE")
    resp = register_raw(server.url, {"username": "Not Valid!", "password": PASSWORD})
    assert_matrix_error(resp, 400, "M_INVALID_USERNAME")


def test_username_available(server, alice):
    ok = httpx.get(f"{server.url}{C3}/register/available", params={"username": unique_name()})
    assert ok.json() == {"available": True}
    taken = httpx.get(f"{server.url}{C3}/register/available",
                      params={"username": alice.localpart})
    assert_matrix_error(taken, 400, "M_USER_IN_USE")
    bad = httpx.get(f"{server.url}{C3}/register/available", params={"username": "UP PER"})
    assert_matrix_error(bad, 400, "M_INVALID_USERNAME")


def test_registration_without_username_generates_one(server):
    resp = register_raw(server.url, {"password": PASSWORD, "auth": {"type": "m.login.dummy"}})
    assert resp.status_code == 200
    assert resp.json()["user_id"].endswith(f":{server.server_name}")


def test_inhibit_login_returns_only_the_user_id(server):
    name = unique_name()
    resp = register_raw(server.url, {"username": name, "password": PASSWORD,
                                     "inhibit_login": True,
                                     "auth": {"type": "m.login.dummy"}})
    body = resp.json()
    assert body["user_id"] == f"@{name}:{server.server_name}"
    assert "access_token" not in body and "device_id" not in body


def test_guest_registration_is_refused(server):
    resp = register_raw(server.url, {"auth": {"type": "m.login.dummy"}}, kind="guest")
    assert_matrix_error(resp, 403, "M_FORBIDDEN")


def test_weak_password_is_refused(server):
    resp = register_raw(server.url, {"username": unique_name(), "password": "short",
                                     "auth": {"type": "m.login.dummy"}})
    assert_matrix_error(resp, 400, "M_WEAK_PASSWORD")


def test_disabled_registration_is_403(make_server):
    server = make_server(registration_mode="disabled")
    resp = register_raw(server.url, {"username": "someone", "password": PASSWORD})
    assert_matrix_error(resp, 403, "M_FORBIDDEN")
    validity = httpx.get(f"{server.url}{V1}/register/m.login.registration_token/validity",
                         params={"token": "abc"})
    assert_matrix_error(validity, 403, "M_FORBIDDEN")


def test_token_registration_counts_uses(make_server):
    server = make_server(registration_mode="token")
    token = server.cli("token", "create", "--uses", "1").stdout.strip()
    validity = httpx.get(f"{server.url}{V1}/register/m.login.registration_token/validity",
                         params={"token": token})
    assert validity.json() == {"valid": True}
    first = register_raw(server.url, {"username": "tina", "password": PASSWORD})
    assert first.json()["flows"] == [{"stages": ["m.login.registration_token"]}]
    wrong = register_raw(server.url, {"username": "tina", "password": PASSWORD, "auth": {
        "type": "m.login.registration_token", "token": "wrong",
        "session": first.json()["session"]}})
    assert_matrix_error(wrong, 401, "M_UNAUTHORIZED")
    assert wrong.json()["session"] == first.json()["session"]
    ok = register_raw(server.url, {"username": "tina", "password": PASSWORD, "auth": {
        "type": "m.login.registration_token", "token": token,
        "session": first.json()["session"]}})
    assert ok.status_code == 200, ok.text
    used_up = httpx.get(f"{server.url}{V1}/register/m.login.registration_token/validity",
                        params={"token": token})
    assert used_up.json() == {"valid": False}
    again = register_raw(server.url, {"username": "tom", "password": PASSWORD, "auth": {
        "type": "m.login.registration_token", "token": token}})
    assert_matrix_error(again, 401, "M_UNAUTHORIZED")


def test_last_use_of_a_token_raced_by_two_clients_is_spent_once(make_server):
    server = make_server(registration_mode="token")
    token = server.cli("token", "create", "--uses", "1").stdout.strip()
    # Both complete the token stage while the token is still valid...
    sessions = []
    for name in ("racer1", "racer2"):
        resp = register_raw(server.url, {"username": name, "password": PASSWORD})
        sessions.append(resp.json()["session"])

    def attempt(i):
        return register_raw(server.url, {"username": f"racer{i + 1}", "password": PASSWORD,
                                         "auth": {"type": "m.login.registration_token",
                                                  "token": token, "session": sessions[i]}})

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(attempt, range(2)))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 401], [r.text for r in results]
    listed = server.cli("token", "list", "--json")
    assert '"completed": 1' in listed.stdout


def test_expired_token_is_invalid(make_server):
    server = make_server(registration_mode="token")
    assert server.cli("token", "create", "--token", "gone", "--expires", "0s").returncode == 0
    validity = httpx.get(f"{server.url}{V1}/register/m.login.registration_token/validity",
                         params={"token": "gone"})
    assert validity.json() == {"valid": False}


def test_the_service_users_name_is_reserved(server):
    resp = register_raw(server.url, {"username": "closedserver", "password": PASSWORD,
                                     "auth": {"type": "m.login.dummy"}})
    assert_matrix_error(resp, 400, "M_USER_IN_USE")
    taken = httpx.get(f"{server.url}{C3}/register/available",
                      params={"username": "closedserver"})
    assert_matrix_error(taken, 400, "M_USER_IN_USE")
