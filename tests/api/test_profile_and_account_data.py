"""Profiles and account data."""

from tests.helpers import assert_matrix_error


def test_profile_defaults_to_the_localpart_and_can_be_changed(alice, bob):
    assert bob.get(f"/profile/{alice.user_id}").json() == {"displayname": alice.localpart}
    assert alice.put(f"/profile/{alice.user_id}/displayname",
                     {"displayname": "Alice A."}).status_code == 200
    assert alice.put(f"/profile/{alice.user_id}/avatar_url",
                     {"avatar_url": "mxc://localhost/abcDEF123"}).status_code == 200
    assert bob.get(f"/profile/{alice.user_id}/displayname").json() == {"displayname": "Alice A."}
    assert bob.get(f"/profile/{alice.user_id}").json() == {
        "displayname": "Alice A.", "avatar_url": "mxc://localhost/abcDEF123"}


def test_custom_profile_fields(alice):
    path = f"/profile/{alice.user_id}/org.example.pronouns"
    assert alice.put(path, {"org.example.pronouns": ["she"]}).status_code == 200
    assert alice.get(path).json() == {"org.example.pronouns": ["she"]}
    assert alice.delete(path).status_code == 200
    assert_matrix_error(alice.get(path), 404, "M_NOT_FOUND")


def test_profile_errors(alice, bob):
    assert_matrix_error(bob.put(f"/profile/{alice.user_id}/displayname", {"displayname": "x"}),
                        403, "M_FORBIDDEN")
    assert_matrix_error(alice.put(f"/profile/{alice.user_id}/displayname", {"other": "x"}),
                        400, "M_MISSING_PARAM")
    assert_matrix_error(alice.put(f"/profile/{alice.user_id}/displayname", {"displayname": 5}),
                        400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"/profile/{alice.user_id}/avatar_url",
                                  {"avatar_url": "http://x"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.get("/profile/@nobody:localhost"), 404, "M_NOT_FOUND")
    big = {"org.example.big": "x" * 70000}
    assert_matrix_error(alice.put(f"/profile/{alice.user_id}/org.example.big", big), 400,
                        "M_PROFILE_TOO_LARGE")


def test_global_account_data_round_trip(alice, bob):
    path = f"/user/{alice.user_id}/account_data/org.example.settings"
    assert_matrix_error(alice.get(path), 404, "M_NOT_FOUND")
    assert alice.put(path, {"theme": "dark"}).status_code == 200
    assert alice.get(path).json() == {"theme": "dark"}
    assert alice.put(path, {"theme": "light"}).status_code == 200
    assert alice.get(path).json() == {"theme": "light"}
    assert_matrix_error(bob.get(path.replace(alice.user_id, alice.user_id)), 403, "M_FORBIDDEN")
    assert_matrix_error(bob.put(path, {"x": 1}), 403, "M_FORBIDDEN")


def test_account_data_must_be_an_object_and_not_server_managed(alice):
    base = f"/user/{alice.user_id}/account_data"
    assert_matrix_error(alice.put(f"{base}/org.example.list", [1, 2]), 400, "M_BAD_JSON")
    # Spec ("Client Config"): server-managed types are refused with 405 M_BAD_JSON.
    assert_matrix_error(alice.put(f"{base}/m.fully_read", {"event_id": "$x"}), 405,
                        "M_BAD_JSON")
    assert_matrix_error(alice.put(f"{base}/m.push_rules", {"global": {}}), 405, "M_BAD_JSON")


def test_room_account_data_refuses_server_managed_types_and_bad_room_ids(alice):
    base = f"/user/{alice.user_id}/rooms"
    for data_type in ("m.fully_read", "m.push_rules"):
        assert_matrix_error(alice.put(f"{base}/!room:localhost/account_data/{data_type}",
                                      {"event_id": "$x"}), 405, "M_BAD_JSON")
    # Spec: 400 M_INVALID_PARAM when the roomId is not a valid room ID.
    assert_matrix_error(alice.put(f"{base}/not-a-room/account_data/org.example.x", {}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.get(f"{base}/not-a-room/account_data/org.example.x"), 400,
                        "M_INVALID_PARAM")


def test_third_party_identifiers_list_is_empty(alice):
    assert alice.get("/account/3pid").json() == {"threepids": []}
