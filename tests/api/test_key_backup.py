"""Server-side key backups: /room_keys/version and /room_keys/keys[/{roomId}[/{sessionId}]]."""

import pytest

from tests.helpers import assert_matrix_error

ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2"
ROOM = "!room:localhost"


def key_data(first_message_index: int = 0, forwarded_count: int = 0,
             is_verified: bool = False, marker: str = "x") -> dict:
    return {"first_message_index": first_message_index, "forwarded_count": forwarded_count,
            "is_verified": is_verified,
            "session_data": {"ephemeral": "e", "ciphertext": marker, "mac": "m"}}


def create(client, auth_data: dict | None = None) -> str:
    resp = client.post("/room_keys/version", {"algorithm": ALGORITHM,
                                              "auth_data": auth_data or {"public_key": "k"}})
    assert resp.status_code == 200, resp.text
    return resp.json()["version"]


def put_session(client, version: str, session_id: str, data: dict, room: str = ROOM):
    return client.put(f"/room_keys/keys/{room}/{session_id}", data,
                      params={"version": version})


def test_no_backup_yet_is_404(server, alice):
    assert_matrix_error(alice.get("/room_keys/version"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.get("/room_keys/version/1"), 404, "M_NOT_FOUND")


def test_create_and_get_a_backup_version(server, alice, bob):
    version = create(alice, {"public_key": "abc", "signatures": {}})
    info = alice.get("/room_keys/version").json()
    assert info == {"algorithm": ALGORITHM, "auth_data": {"public_key": "abc",
                                                          "signatures": {}},
                    "count": 0, "etag": info["etag"], "version": version}
    assert isinstance(info["etag"], str)
    assert alice.get(f"/room_keys/version/{version}").json() == info
    # Backups are per user.
    assert_matrix_error(bob.get(f"/room_keys/version/{version}"), 404, "M_NOT_FOUND")


def test_the_latest_version_is_current_and_versions_are_not_reused(server, alice):
    first = create(alice)
    second = create(alice)
    assert alice.get("/room_keys/version").json()["version"] == second
    assert alice.delete(f"/room_keys/version/{second}").status_code == 200
    assert alice.get("/room_keys/version").json()["version"] == first
    third = create(alice)
    assert third not in (first, second)
    assert_matrix_error(alice.get(f"/room_keys/version/{second}"), 404, "M_NOT_FOUND")


def test_delete_version_twice_succeeds_but_unknown_is_404(server, alice):
    version = create(alice)
    put_session(alice, version, "s1", key_data())
    assert alice.delete(f"/room_keys/version/{version}").status_code == 200
    assert alice.delete(f"/room_keys/version/{version}").status_code == 200
    assert_matrix_error(alice.get("/room_keys/keys", params={"version": version}), 404,
                        "M_NOT_FOUND")
    assert_matrix_error(alice.delete("/room_keys/version/999"), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.delete("/room_keys/version/nope"), 404, "M_NOT_FOUND")


def test_update_changes_only_auth_data(server, alice):
    version = create(alice)
    resp = alice.put(f"/room_keys/version/{version}", {
        "algorithm": ALGORITHM, "auth_data": {"public_key": "new"}, "version": version})
    assert resp.status_code == 200, resp.text
    assert alice.get("/room_keys/version").json()["auth_data"] == {"public_key": "new"}


def test_update_errors(server, alice):
    version = create(alice)
    path = f"/room_keys/version/{version}"
    assert_matrix_error(alice.put(path, {"algorithm": "other", "auth_data": {}}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.put(path, {"algorithm": ALGORITHM, "auth_data": {},
                                         "version": "12345"}), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.put(path, {"algorithm": ALGORITHM}), 400, "M_MISSING_PARAM")
    assert_matrix_error(alice.put("/room_keys/version/9999", {
        "algorithm": ALGORITHM, "auth_data": {}}), 404, "M_NOT_FOUND")


def test_create_errors(server, alice):
    assert_matrix_error(alice.post("/room_keys/version", {"algorithm": ALGORITHM}), 400,
                        "M_MISSING_PARAM")
    assert_matrix_error(alice.post("/room_keys/version", {"auth_data": {}}), 400,
                        "M_MISSING_PARAM")
    assert_matrix_error(alice.post("/room_keys/version", {"algorithm": ALGORITHM,
                                                          "auth_data": "x"}), 400, "M_BAD_JSON")


def test_store_and_read_keys_at_every_level(server, alice):
    version = create(alice)
    resp = put_session(alice, version, "s1", key_data(marker="one"))
    assert resp.status_code == 200, resp.text
    first_etag = resp.json()["etag"]
    assert resp.json()["count"] == 1
    resp = alice.put(f"/room_keys/keys/{ROOM}", {"sessions": {"s2": key_data(marker="two")}},
                     params={"version": version})
    assert resp.json()["count"] == 2 and resp.json()["etag"] != first_etag
    resp = alice.put("/room_keys/keys", {"rooms": {"!other:localhost": {"sessions": {
        "s3": key_data(marker="three")}}}}, params={"version": version})
    assert resp.json()["count"] == 3

    every = alice.get("/room_keys/keys", params={"version": version}).json()
    assert every == {"rooms": {
        ROOM: {"sessions": {"s1": key_data(marker="one"), "s2": key_data(marker="two")}},
        "!other:localhost": {"sessions": {"s3": key_data(marker="three")}}}}
    room = alice.get(f"/room_keys/keys/{ROOM}", params={"version": version}).json()
    assert room == every["rooms"][ROOM]
    one = alice.get(f"/room_keys/keys/{ROOM}/s1", params={"version": version}).json()
    assert one == key_data(marker="one")
    info = alice.get("/room_keys/version").json()
    assert info["count"] == 3 and info["etag"] == resp.json()["etag"]


def test_missing_keys_are_empty_or_404(server, alice):
    version = create(alice)
    params = {"version": version}
    assert alice.get("/room_keys/keys", params=params).json() == {"rooms": {}}
    assert alice.get(f"/room_keys/keys/{ROOM}", params=params).json() == {"sessions": {}}
    assert_matrix_error(alice.get(f"/room_keys/keys/{ROOM}/nope", params=params), 404,
                        "M_NOT_FOUND")


@pytest.mark.parametrize(("stored", "new", "replaced"), [
    (key_data(is_verified=False), key_data(is_verified=True, first_message_index=9), True),
    (key_data(is_verified=True), key_data(is_verified=False), False),
    (key_data(first_message_index=5), key_data(first_message_index=2), True),
    (key_data(first_message_index=2), key_data(first_message_index=5, forwarded_count=0),
     False),
    (key_data(forwarded_count=3), key_data(forwarded_count=1), True),
    (key_data(forwarded_count=1), key_data(forwarded_count=3), False),
    (key_data(), key_data(), False),
])
def test_which_session_key_is_kept(server, alice, stored, new, replaced):
    version = create(alice)
    put_session(alice, version, "s", {**stored, "session_data": {"which": "stored"}})
    etag = alice.get("/room_keys/version").json()["etag"]
    resp = put_session(alice, version, "s", {**new, "session_data": {"which": "new"}})
    assert resp.json()["count"] == 1
    kept = alice.get(f"/room_keys/keys/{ROOM}/s", params={"version": version}).json()
    assert kept["session_data"] == {"which": "new" if replaced else "stored"}
    assert (resp.json()["etag"] != etag) == replaced


def test_writing_to_an_old_version_is_wrong_version(server, alice):
    old = create(alice)
    current = create(alice)
    body = assert_matrix_error(put_session(alice, old, "s", key_data()), 403,
                               "M_WRONG_ROOM_KEYS_VERSION")
    assert body["current_version"] == current
    body = assert_matrix_error(put_session(alice, "424242", "s", key_data()), 403,
                               "M_WRONG_ROOM_KEYS_VERSION")
    assert body["current_version"] == current
    # Old versions can still be read.
    assert alice.get("/room_keys/keys", params={"version": old}).json() == {"rooms": {}}


def test_writing_without_any_backup_is_404(server, alice):
    assert_matrix_error(put_session(alice, "1", "s", key_data()), 404, "M_NOT_FOUND")


def test_delete_keys_at_every_level(server, alice):
    version = create(alice)
    params = {"version": version}
    alice.put("/room_keys/keys", {"rooms": {
        ROOM: {"sessions": {"a": key_data(), "b": key_data()}},
        "!two:localhost": {"sessions": {"c": key_data()}},
        "!three:localhost": {"sessions": {"d": key_data()}}}}, params=params)
    resp = alice.delete(f"/room_keys/keys/{ROOM}/a", params=params)
    assert resp.status_code == 200 and resp.json()["count"] == 3
    assert alice.delete(f"/room_keys/keys/{ROOM}", params=params).json()["count"] == 2
    assert alice.delete("/room_keys/keys", params=params).json()["count"] == 0
    assert alice.get("/room_keys/keys", params=params).json() == {"rooms": {}}
    assert_matrix_error(alice.delete("/room_keys/keys", params={"version": "77"}), 404,
                        "M_NOT_FOUND")


def test_key_request_errors(server, alice):
    version = create(alice)
    assert_matrix_error(alice.get("/room_keys/keys"), 400, "M_MISSING_PARAM")
    bad = key_data()
    del bad["is_verified"]
    assert_matrix_error(put_session(alice, version, "s", bad), 400, "M_BAD_JSON")
    assert_matrix_error(put_session(alice, version, "s", {**key_data(),
                                                          "first_message_index": "1"}),
                        400, "M_BAD_JSON")
    assert_matrix_error(alice.put("/room_keys/keys", {"rooms": {ROOM: {"sessions": 1}}},
                                  params={"version": version}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.put("/room_keys/keys", {}, params={"version": version}), 400,
                        "M_MISSING_PARAM")
    assert_matrix_error(alice.put(f"/room_keys/keys/{ROOM}", {}, params={"version": version}),
                        400, "M_MISSING_PARAM")
