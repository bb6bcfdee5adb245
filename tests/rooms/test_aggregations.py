"""Bundled aggregations (spec: "Aggregations of child events") where the stream order and
the spec's order differ: events appended here with chosen timestamps, through the same
Timeline the server uses, on the shared server's database."""

import pytest

import closedserver.services.timeline as timeline_module
from closedserver.config import load_config
from closedserver.homeserver import build_homeserver
from closedserver.services.timeline import EventDraft
from tests.helpers import create_room, joined_room_with, register, send_text, unique_name


@pytest.fixture
def hs(server):
    homeserver = build_homeserver(load_config(server.data_dir))
    yield homeserver
    homeserver.close()


def _edit(hs, monkeypatch, user_id: str, room_id: str, original: str, ts: int) -> str:
    monkeypatch.setattr(timeline_module, "now_ms", lambda: ts)
    content = {"msgtype": "m.text", "body": f"* edit at {ts}",
               "m.new_content": {"msgtype": "m.text", "body": f"edit at {ts}"},
               "m.relates_to": {"rel_type": "m.replace", "event_id": original}}
    return hs.timeline.append(room_id, EventDraft(user_id, "m.room.message", content)).event_id


def _bundled_edit(hs, user_id: str, original: str) -> str:
    stored = hs.events.get(original)
    client = hs.serializer.serialize([stored], user_id=user_id)[0]
    return client["unsigned"]["m.relations"]["m.replace"]["event_id"]


def test_the_most_recent_edit_is_by_timestamp_not_by_arrival(hs, server, monkeypatch):
    """Spec (event replacements): the most recent replacement is the one with the largest
    origin_server_ts; equal timestamps go to the lexicographically largest event ID."""
    user = register(server.url)
    room_id = create_room(user)
    original = send_text(user, room_id, "tpyo")
    ts = hs.events.get(original).event.origin_server_ts
    later = _edit(hs, monkeypatch, user.user_id, room_id, original, ts + 10)
    _edit(hs, monkeypatch, user.user_id, room_id, original, ts + 5)  # arrives last
    assert _bundled_edit(hs, user.user_id, original) == later
    tied = [_edit(hs, monkeypatch, user.user_id, room_id, original, ts + 20)
            for _ in range(3)]
    assert _bundled_edit(hs, user.user_id, original) == max(tied)


def _send(client, room_id: str, event_type: str, content: dict) -> str:
    resp = client.put(f"/rooms/{room_id}/send/{event_type}/{unique_name('txn')}", content)
    assert resp.status_code == 200, resp.text
    return resp.json()["event_id"]


def test_children_from_another_room_are_not_aggregated(alice, bob):
    """Spec ("Relationships"): a child relates to a parent in the same room. A reply or an
    edit sent elsewhere (say, by a member since banned) must not show in the parent's room."""
    room_id = joined_room_with(alice, bob)
    root = send_text(alice, room_id, "root")
    elsewhere = create_room(alice)
    _send(alice, elsewhere, "m.room.message", {
        "msgtype": "m.text", "body": "injected",
        "m.relates_to": {"rel_type": "m.thread", "event_id": root}})
    _send(alice, elsewhere, "m.room.message", {
        "msgtype": "m.text", "body": "* injected",
        "m.new_content": {"msgtype": "m.text", "body": "injected"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": root}})
    event = bob.get(f"/rooms/{room_id}/event/{root}").json()
    assert "m.relations" not in event["unsigned"]


def test_invalid_replacements_are_left_out_of_the_aggregation(alice):
    """Spec ("Validity of replacement events"): same type as the original, no state key,
    and `m.new_content`; otherwise the edit is ignored."""
    room_id = create_room(alice)
    original = send_text(alice, room_id, "helo")
    valid = _send(alice, room_id, "m.room.message", {
        "msgtype": "m.text", "body": "* hello", "m.new_content": {"msgtype": "m.text",
                                                                  "body": "hello"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original}})
    _send(alice, room_id, "m.room.message", {
        "msgtype": "m.text", "body": "* no new content",
        "m.relates_to": {"rel_type": "m.replace", "event_id": original}})
    _send(alice, room_id, "org.example.other", {
        "m.new_content": {"body": "other type"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original}})
    event = alice.get(f"/rooms/{room_id}/event/{original}").json()
    assert event["unsigned"]["m.relations"]["m.replace"]["event_id"] == valid
