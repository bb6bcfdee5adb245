"""Sending messages and state, idempotent transactions, redactions and their errors."""

from tests.helpers import (
    assert_matrix_error,
    create_room,
    joined_room_with,
    room_messages,
    send_text,
    unique_name,
)


def test_send_is_idempotent_per_device_and_txn_id(alice):
    room_id = create_room(alice)
    first = send_text(alice, room_id, "once", txn_id="txn-1")
    again = send_text(alice, room_id, "twice?", txn_id="txn-1")
    assert first == again
    bodies = [e["content"].get("body") for e in room_messages(alice, room_id, limit=50)["chunk"]
              if e["type"] == "m.room.message"]
    assert bodies == ["once"]


def test_a_transaction_id_is_scoped_to_the_request_path(alice):
    """Spec ("Transaction identifiers"): a retransmission has the same transaction ID and
    the same path; the same ID on another endpoint, room or event type is a new request."""
    room_a, room_b = create_room(alice), create_room(alice)
    in_a = send_text(alice, room_a, "a", txn_id="shared-txn")
    in_b = send_text(alice, room_b, "b", txn_id="shared-txn")
    assert in_b != in_a
    reaction = alice.put(f"/rooms/{room_a}/send/m.reaction/shared-txn", {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": in_a, "key": "+1"}})
    assert reaction.status_code == 200 and reaction.json()["event_id"] not in (in_a, in_b)
    resp = alice.put(f"/rooms/{room_a}/redact/{in_a}/shared-txn", {})
    assert resp.status_code == 200, resp.text
    redaction = resp.json()["event_id"]
    assert redaction not in (in_a, in_b)
    redacted = alice.get(f"/rooms/{room_a}/event/{in_a}").json()
    assert redacted["unsigned"]["redacted_because"]["event_id"] == redaction
    # Retransmissions are still recognised, each on its own path.
    assert send_text(alice, room_b, "b again?", txn_id="shared-txn") == in_b
    again = alice.put(f"/rooms/{room_a}/redact/{in_a}/shared-txn", {})
    assert again.json()["event_id"] == redaction


def test_transaction_id_is_shown_only_to_the_sending_device(alice, bob, server):
    room_id = joined_room_with(alice, bob)
    event_id = send_text(alice, room_id, "hello", txn_id="my-txn")
    own = alice.get(f"/rooms/{room_id}/event/{event_id}").json()
    assert own["unsigned"]["transaction_id"] == "my-txn"
    other = bob.get(f"/rooms/{room_id}/event/{event_id}").json()
    assert "transaction_id" not in other["unsigned"]


def test_state_with_and_without_trailing_slash(alice):
    room_id = create_room(alice)
    first = alice.put(f"/rooms/{room_id}/state/m.room.topic", {"topic": "one"})
    assert first.status_code == 200, first.text
    assert alice.get(f"/rooms/{room_id}/state/m.room.topic").json()["topic"] == "one"
    assert alice.put(f"/rooms/{room_id}/state/m.room.topic/", {"topic": "two"}).status_code == 200
    assert alice.get(f"/rooms/{room_id}/state/m.room.topic/").json()["topic"] == "two"
    event = alice.get(f"/rooms/{room_id}/state/m.room.topic/", params={"format": "event"}).json()
    assert event["type"] == "m.room.topic" and event["unsigned"]["prev_content"]["topic"] == "one"


def test_setting_the_same_state_twice_changes_nothing(alice):
    room_id = create_room(alice)
    first = alice.put(f"/rooms/{room_id}/state/org.example.thing/k", {"v": 1}).json()
    second = alice.put(f"/rooms/{room_id}/state/org.example.thing/k", {"v": 1}).json()
    assert first == second


def test_state_key_with_a_slash(alice):
    room_id = create_room(alice)
    assert alice.put(f"/rooms/{room_id}/state/org.example.x/a/b", {"v": 1}).status_code == 200
    assert alice.get(f"/rooms/{room_id}/state/org.example.x/a/b").json() == {"v": 1}


def test_errors_when_sending(alice, bob):
    room_id = create_room(alice)
    path = f"/rooms/{room_id}/send/m.room.message/{unique_name('t')}"
    assert_matrix_error(bob.put(path, {"body": "x"}), 403, "M_FORBIDDEN")
    assert_matrix_error(alice.put("/rooms/!missing:localhost/send/m.room.message/t1",
                                  {"body": "x"}), 404, "M_NOT_FOUND")
    assert_matrix_error(alice.put(path, [1, 2]), 400, "M_BAD_JSON")
    big = {"msgtype": "m.text", "body": "x" * 70000}
    assert_matrix_error(alice.put(path, big), 413, "M_TOO_LARGE")
    assert_matrix_error(alice.put(f"/rooms/{room_id}/state/m.room.name", {"name": ["x"]}),
                        400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"/rooms/{room_id}/state/m.room.history_visibility",
                                  {"history_visibility": "everyone"}), 400, "M_BAD_JSON")
    assert_matrix_error(alice.put(f"/rooms/{room_id}/state/m.room.canonical_alias",
                                  {"alias": "#nope:localhost"}), 400, "M_BAD_ALIAS")


def test_auth_rule_failure_names_the_rule(alice, bob):
    room_id = joined_room_with(alice, bob)
    resp = bob.put(f"/rooms/{room_id}/state/m.room.power_levels",
                   {"users": {bob.user_id: 100}})
    body = assert_matrix_error(resp, 403, "M_FORBIDDEN")
    assert "power level" in body["error"]
    resp = bob.put(f"/rooms/{room_id}/state/org.example.thing/{alice.user_id}", {"x": 1})
    body = assert_matrix_error(resp, 403, "M_FORBIDDEN")
    assert "state_key" in body["error"] or "power level" in body["error"]


def test_a_rejected_event_is_never_stored(alice, bob):
    room_id = joined_room_with(alice, bob)
    before = room_messages(alice, room_id, limit=100)["chunk"]
    bob.put(f"/rooms/{room_id}/state/m.room.name", {"name": "hijack"})
    after = room_messages(alice, room_id, limit=100)["chunk"]
    assert [e["event_id"] for e in after] == [e["event_id"] for e in before]


def test_redact_own_message_and_serve_it_redacted(alice, bob):
    room_id = joined_room_with(alice, bob)
    event_id = send_text(bob, room_id, "oops")
    resp = bob.put(f"/rooms/{room_id}/redact/{event_id}/r1", {"reason": "typo"})
    assert resp.status_code == 200
    redaction_id = resp.json()["event_id"]
    again = bob.put(f"/rooms/{room_id}/redact/{event_id}/r1", {"reason": "typo"})
    assert again.json()["event_id"] == redaction_id
    seen = alice.get(f"/rooms/{room_id}/event/{event_id}").json()
    assert seen["content"] == {}
    assert seen["unsigned"]["redacted_because"]["event_id"] == redaction_id
    redaction = alice.get(f"/rooms/{room_id}/event/{redaction_id}").json()
    assert redaction["redacts"] == event_id and redaction["content"]["reason"] == "typo"


def test_redacting_others_needs_power(alice, bob):
    room_id = joined_room_with(alice, bob)
    mine = send_text(alice, room_id, "mine")
    assert_matrix_error(bob.put(f"/rooms/{room_id}/redact/{mine}/r2", {}), 403, "M_FORBIDDEN")
    theirs = send_text(bob, room_id, "theirs")
    assert alice.put(f"/rooms/{room_id}/redact/{theirs}/r3", {}).status_code == 200
    assert_matrix_error(alice.put(f"/rooms/{room_id}/redact/$nope/r4", {}), 404, "M_NOT_FOUND")


def test_edits_and_reactions_are_aggregated(alice, bob):
    room_id = joined_room_with(alice, bob)
    original = send_text(alice, room_id, "helo")
    edit = alice.put(f"/rooms/{room_id}/send/m.room.message/{unique_name('e')}", {
        "msgtype": "m.text", "body": "* hello",
        "m.new_content": {"msgtype": "m.text", "body": "hello"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original}}).json()["event_id"]
    reaction = bob.put(f"/rooms/{room_id}/send/m.reaction/{unique_name('r')}", {
        "m.relates_to": {"rel_type": "m.annotation", "event_id": original, "key": "👍"}})
    assert reaction.status_code == 200
    reply = bob.put(f"/rooms/{room_id}/send/m.room.message/{unique_name('th')}", {
        "msgtype": "m.text", "body": "in thread",
        "m.relates_to": {"rel_type": "m.thread", "event_id": original}}).json()["event_id"]
    event = bob.get(f"/rooms/{room_id}/event/{original}").json()
    relations = event["unsigned"]["m.relations"]
    assert relations["m.replace"]["event_id"] == edit
    assert relations["m.thread"]["latest_event"]["event_id"] == reply
    assert relations["m.thread"]["count"] == 1
    assert relations["m.thread"]["current_user_participated"] is True
