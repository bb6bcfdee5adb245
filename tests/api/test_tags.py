"""Room tags (spec module "Room Tagging"), also delivered as m.tag room account data."""

from tests.helpers import assert_matrix_error, create_room


def test_tag_a_room_list_and_untag(alice):
    room_id = create_room(alice)
    base = f"/user/{alice.user_id}/rooms/{room_id}/tags"
    assert alice.get(base).json() == {"tags": {}}
    assert alice.put(f"{base}/m.favourite", {"order": 0.25}).status_code == 200
    assert alice.put(f"{base}/u.work", {}).status_code == 200
    assert alice.get(base).json() == {"tags": {"m.favourite": {"order": 0.25}, "u.work": {}}}
    sync = alice.get("/sync", params={"timeout": 0}).json()
    room_data = sync["rooms"]["join"][room_id]["account_data"]["events"]
    assert {"type": "m.tag", "content": {"tags": {"m.favourite": {"order": 0.25},
                                                  "u.work": {}}}} in room_data
    assert alice.delete(f"{base}/u.work").status_code == 200
    assert alice.delete(f"{base}/u.work").status_code == 200
    assert alice.get(base).json() == {"tags": {"m.favourite": {"order": 0.25}}}


def test_tag_errors(alice, bob):
    room_id = create_room(alice)
    base = f"/user/{alice.user_id}/rooms/{room_id}/tags"
    assert_matrix_error(bob.get(base), 403, "M_FORBIDDEN")
    assert_matrix_error(bob.put(f"{base}/u.x", {}), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.put(f"{base}/u.x", {"order": "first"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"{base}/u.x", [1]), 400, "M_BAD_JSON")
    assert_matrix_error(alice.get(f"/user/{alice.user_id}/rooms/nonsense/tags"), 400,
                        "M_INVALID_PARAM")
