"""Pushers (CS API `GET /pushers`, `POST /pushers/set`, pusher.yaml) and the gateway
allow-list: a closed server sends no push to a gateway the admin did not allow."""

import pytest

from closedserver.storage.database import Database
from closedserver.storage.pushers import PushersStore
from tests.helpers import assert_matrix_error, register
from tests.server import init_server

LISTED = "http://127.0.0.1:9"
NOTIFY_PATH = "/_matrix/push/v1/notify"


def pusher(url: str = LISTED + NOTIFY_PATH, **fields) -> dict:
    return {"kind": "http", "app_id": "org.example.app", "pushkey": "key-1",
            "app_display_name": "Example", "device_display_name": "Phone", "lang": "en",
            "data": {"url": url, "format": "event_id_only"}, **fields}


@pytest.fixture(scope="module")
def allowing_server(tmp_path_factory):
    """A server whose allow-list has a loopback gateway by URL and `localhost` by name."""
    running = init_server(tmp_path_factory.mktemp("pushers") / "data",
                          push_gateway_allowlist=f"{LISTED},localhost")
    running.start()
    yield running
    running.stop()


def test_no_gateway_is_allowed_by_default(alice):
    error = assert_matrix_error(alice.post("/pushers/set", pusher()), 400, "M_INVALID_PARAM")
    assert "gateway_allowlist" in error["error"]
    assert alice.get("/pushers").json() == {"pushers": []}


def test_set_list_update_and_delete(allowing_server):
    user = register(allowing_server.url)
    assert user.post("/pushers/set", pusher(profile_tag="xyz")).status_code == 200
    assert user.get("/pushers").json() == {"pushers": [{
        "pushkey": "key-1", "kind": "http", "app_id": "org.example.app",
        "app_display_name": "Example", "device_display_name": "Phone", "lang": "en",
        "profile_tag": "xyz",
        "data": {"url": LISTED + NOTIFY_PATH, "format": "event_id_only"}}]}
    assert user.post("/pushers/set", pusher(lang="de")).status_code == 200
    [updated] = user.get("/pushers").json()["pushers"]
    assert updated["lang"] == "de" and "profile_tag" not in updated
    user.post("/pushers/set", pusher(pushkey="key-2"))
    assert len(user.get("/pushers").json()["pushers"]) == 2
    deletion = {"kind": None, "app_id": "org.example.app", "pushkey": "key-1"}
    assert user.post("/pushers/set", deletion).status_code == 200
    assert [p["pushkey"] for p in user.get("/pushers").json()["pushers"]] == ["key-2"]


def test_append_decides_whether_other_users_keep_the_pushkey(allowing_server):
    first, second, third = (register(allowing_server.url) for _ in range(3))
    shared = pusher(pushkey="shared-key")
    first.post("/pushers/set", shared)
    second.post("/pushers/set", {**shared, "append": True})
    assert len(first.get("/pushers").json()["pushers"]) == 1
    third.post("/pushers/set", shared)  # append false: the others lose it
    assert first.get("/pushers").json()["pushers"] == []
    assert second.get("/pushers").json()["pushers"] == []
    assert len(third.get("/pushers").json()["pushers"]) == 1


def test_request_errors(allowing_server):
    user = register(allowing_server.url)
    body = pusher()
    del body["kind"]
    assert_matrix_error(user.post("/pushers/set", body), 400, "M_MISSING_PARAM")
    incomplete = {"kind": "http", "app_id": "a", "pushkey": "k"}
    error = assert_matrix_error(user.post("/pushers/set", incomplete), 400, "M_MISSING_PARAM")
    assert error["error"] == ("Missing parameters: app_display_name, device_display_name, "
                              "lang, data")
    no_url = pusher(data={"format": "event_id_only"})
    assert "data.url" in assert_matrix_error(user.post("/pushers/set", no_url), 400,
                                             "M_MISSING_PARAM")["error"]
    assert_matrix_error(user.post("/pushers/set", pusher(kind="email")), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(user.post("/pushers/set", pusher(kind="carrier-pigeon")), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(user.post("/pushers/set", pusher(app_id="a" * 65)), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(user.post("/pushers/set", pusher(pushkey="k" * 513)), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(user.post("/pushers/set", pusher(url=LISTED + "/other")), 400,
                        "M_INVALID_PARAM")
    assert user.get("/pushers").json() == {"pushers": []}


@pytest.mark.parametrize("url, reason", [
    # `localhost` is allowed by name, but it is a loopback address that is not listed.
    ("https://localhost" + NOTIFY_PATH, "loopback"),
    # A hostname entry allows https only; http needs a URL entry.
    ("http://localhost" + NOTIFY_PATH, "gateway_allowlist"),
    ("http://127.0.0.1:10" + NOTIFY_PATH, "gateway_allowlist"),
    ("https://127.0.0.1:9" + NOTIFY_PATH, "gateway_allowlist"),
    ("https://127.0.0.2" + NOTIFY_PATH, "gateway_allowlist"),
    ("https://[::1]" + NOTIFY_PATH, "gateway_allowlist"),
    ("https://push.example.org" + NOTIFY_PATH, "gateway_allowlist"),
    ("ftp://127.0.0.1:9" + NOTIFY_PATH, "https"),
    ("http://user:pw@127.0.0.1:9" + NOTIFY_PATH, "password"),
])
def test_unlisted_and_private_gateways_are_refused(allowing_server, url, reason):
    user = register(allowing_server.url)
    error = assert_matrix_error(user.post("/pushers/set", pusher(url=url)), 400,
                                "M_INVALID_PARAM")
    assert reason in error["error"]
    assert user.get("/pushers").json() == {"pushers": []}


def test_deactivation_removes_the_users_pushers(allowing_server):
    user = register(allowing_server.url)
    user.post("/pushers/set", pusher(pushkey="gone-with-the-account"))
    session = user.post("/account/deactivate", {}).json()["session"]
    resp = user.post("/account/deactivate", {"auth": user.password_auth(session)})
    assert resp.status_code == 200, resp.text
    db = Database(allowing_server.data_dir / "closedserver.db")
    try:
        assert PushersStore(db).list_pushers(user.user_id) == []
    finally:
        db.close()
