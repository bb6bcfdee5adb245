"""Reporting events, rooms and users (spec: report_content.yaml). Reports are for the
server admins: the tests read them from the database."""

from tests.api.rooms_extras_helpers import create_room, join, query_db, say, set_state
from tests.helpers import assert_matrix_error

REPORT_COLUMNS = "room_id, event_id, target_user_id, reporter, reason, score"


def reports_by(server, reporter: str) -> list[tuple]:
    return query_db(server, f"SELECT {REPORT_COLUMNS} FROM reports WHERE reporter = ? "
                    "ORDER BY id", reporter)


def test_report_an_event(server, alice, bob):
    room_id = create_room(alice, preset="public_chat")
    join(bob, room_id)
    event_id = say(alice, room_id, "offensive")
    resp = bob.post(f"/rooms/{room_id}/report/{event_id}", {"reason": "rude", "score": -100})
    assert resp.status_code == 200 and resp.json() == {}
    assert bob.post(f"/rooms/{room_id}/report/{event_id}", {}).status_code == 200
    assert reports_by(server, bob.user_id) == [
        (room_id, event_id, None, bob.user_id, "rude", -100),
        (room_id, event_id, None, bob.user_id, None, None)]


def test_event_reports_need_a_joined_reporter_who_can_see_the_event(server, alice, bob):
    room_id = create_room(alice, preset="public_chat")
    set_state(alice, room_id, "m.room.history_visibility", {"history_visibility": "joined"})
    hidden = say(alice, room_id, "before bob")
    path = f"/rooms/{room_id}/report/{hidden}"
    assert_matrix_error(bob.post(path, {"reason": "x"}), 404, "M_NOT_FOUND")
    join(bob, room_id)
    assert_matrix_error(bob.post(path, {"reason": "x"}), 404, "M_NOT_FOUND")
    assert_matrix_error(bob.post(f"/rooms/{room_id}/report/$nope", {}), 404, "M_NOT_FOUND")
    assert_matrix_error(bob.post(f"/rooms/!nowhere:localhost/report/{hidden}", {}), 404,
                        "M_NOT_FOUND")
    visible = say(alice, room_id, "after")
    assert_matrix_error(bob.post(f"/rooms/{room_id}/report/{visible}", {"reason": 5}), 400,
                        "M_BAD_JSON")
    assert_matrix_error(bob.post(f"/rooms/{room_id}/report/{visible}", {"score": "bad"}), 400,
                        "M_BAD_JSON")
    assert reports_by(server, bob.user_id) == []


def test_report_a_room_without_being_in_it(server, alice, bob):
    room_id = create_room(alice)
    assert bob.post(f"/rooms/{room_id}/report", {"reason": ""}).json() == {}
    assert reports_by(server, bob.user_id) == [(room_id, None, None, bob.user_id, "", None)]
    assert_matrix_error(bob.post(f"/rooms/{room_id}/report", {}), 400, "M_MISSING_PARAM")
    assert_matrix_error(bob.post("/rooms/!nowhere:localhost/report", {"reason": "x"}), 404,
                        "M_NOT_FOUND")


def test_report_a_user(server, alice, bob):
    assert bob.post(f"/users/{alice.user_id}/report", {"reason": "spam"}).json() == {}
    assert reports_by(server, bob.user_id) == [(None, None, alice.user_id, bob.user_id,
                                                "spam", None)]
    assert_matrix_error(bob.post("/users/@nobody:localhost/report", {"reason": "x"}), 404,
                        "M_NOT_FOUND")
    assert_matrix_error(bob.post("/users/@someone:elsewhere.org/report", {"reason": "x"}),
                        404, "M_NOT_FOUND")
    assert_matrix_error(bob.post(f"/users/{alice.user_id}/report", {}), 400,
                        "M_MISSING_PARAM")
