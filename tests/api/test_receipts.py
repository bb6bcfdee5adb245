"""Receipts and read markers: POST /receipt and /read_markers, m.receipt in /sync, private
receipts only for their owner, threaded receipts, receipts that only move forward, the
m.fully_read marker (spec: receipts.yaml, read_markers.yaml, modules "Receipts" and "Read
and unread markers")."""

from closedserver.config import load_config
from closedserver.homeserver import build_homeserver
from tests.helpers import assert_matrix_error
from tests.sync_helpers import create_room, joined_room, send_text, shared_room, sync


def _receipts(body, room_id):
    if room_id not in body["rooms"]["join"]:
        return {}
    found = [e["content"] for e in joined_room(body, room_id)["ephemeral"]["events"]
             if e["type"] == "m.receipt"]
    return found[0] if found else {}


def _fully_read(body, room_id):
    events = joined_room(body, room_id)["account_data"]["events"]
    return [e["content"]["event_id"] for e in events if e["type"] == "m.fully_read"]


def test_a_read_receipt_is_shown_to_the_room(alice, bob):
    room_id = shared_room(alice, bob)
    event_id = send_text(alice, room_id)
    since = sync(alice)["next_batch"]
    assert bob.post(f"/rooms/{room_id}/receipt/m.read/{event_id}").json() == {}
    receipt = _receipts(sync(alice, since), room_id)[event_id]["m.read"][bob.user_id]
    assert isinstance(receipt["ts"], int) and "thread_id" not in receipt
    # An initial sync lists the room's current receipts.
    assert bob.user_id in _receipts(sync(alice), room_id)[event_id]["m.read"]


def test_private_receipts_are_only_seen_by_their_owner(alice, bob):
    room_id = shared_room(alice, bob)
    event_id = send_text(alice, room_id)
    alice_since, bob_since = sync(alice)["next_batch"], sync(bob)["next_batch"]
    bob.post(f"/rooms/{room_id}/receipt/m.read.private/{event_id}")
    assert _receipts(sync(alice, alice_since), room_id) == {}
    assert _receipts(sync(alice), room_id) == {}
    own = _receipts(sync(bob, bob_since), room_id)
    assert bob.user_id in own[event_id]["m.read.private"]
    assert bob.user_id in _receipts(sync(bob), room_id)[event_id]["m.read.private"]


def test_receipts_only_move_forward(alice, bob):
    room_id = shared_room(alice, bob)
    older = send_text(alice, room_id, "older")
    newer = send_text(alice, room_id, "newer")
    bob.post(f"/rooms/{room_id}/receipt/m.read/{newer}")
    since = sync(alice)["next_batch"]
    assert bob.post(f"/rooms/{room_id}/receipt/m.read/{older}").status_code == 200
    assert _receipts(sync(alice, since), room_id) == {}
    assert list(_receipts(sync(alice), room_id)) == [newer]


def test_threaded_receipts_are_kept_per_thread(alice, bob):
    room_id = shared_room(alice, bob)
    root = send_text(alice, room_id, "root")
    reply = send_text(alice, room_id, "in thread", **{
        "m.relates_to": {"rel_type": "m.thread", "event_id": root}})
    main = send_text(alice, room_id, "main timeline")
    bob.post(f"/rooms/{room_id}/receipt/m.read/{reply}", {"thread_id": root})
    bob.post(f"/rooms/{room_id}/receipt/m.read/{main}", {"thread_id": "main"})
    bob.post(f"/rooms/{room_id}/receipt/m.read/{root}")
    receipts = _receipts(sync(alice), room_id)
    assert receipts[reply]["m.read"][bob.user_id]["thread_id"] == root
    assert receipts[main]["m.read"][bob.user_id]["thread_id"] == "main"
    assert "thread_id" not in receipts[root]["m.read"][bob.user_id]


def test_bad_receipts_are_refused(alice, bob):
    room_id = create_room(alice)
    event_id = send_text(alice, room_id)
    url = f"/rooms/{room_id}/receipt"
    assert_matrix_error(alice.post(f"{url}/m.unknown/{event_id}"), 400, "M_INVALID_PARAM")
    assert_matrix_error(alice.post(f"{url}/m.read/{event_id}", {"thread_id": ""}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.post(f"{url}/m.read/{event_id}", {"thread_id": 5}), 400,
                        "M_INVALID_PARAM")
    assert_matrix_error(alice.post(f"{url}/m.fully_read/{event_id}", {"thread_id": "main"}),
                        400, "M_INVALID_PARAM")
    assert_matrix_error(alice.post(f"{url}/m.read/$nope"), 404, "M_NOT_FOUND")
    assert_matrix_error(bob.post(f"{url}/m.read/{event_id}"), 403, "M_FORBIDDEN")


def test_read_markers_set_fully_read_and_receipts(alice, bob):
    room_id = shared_room(alice, bob)
    first = send_text(alice, room_id, "first")
    second = send_text(alice, room_id, "second")
    bob_since, alice_since = sync(bob)["next_batch"], sync(alice)["next_batch"]
    resp = bob.post(f"/rooms/{room_id}/read_markers", {
        "m.fully_read": first, "m.read": second, "m.read.private": second})
    assert resp.status_code == 200
    body = sync(bob, bob_since)
    assert _fully_read(body, room_id) == [first]
    own = _receipts(body, room_id)[second]
    assert set(own) == {"m.read", "m.read.private"}
    assert set(_receipts(sync(alice, alice_since), room_id)[second]) == {"m.read"}
    content = bob.get(f"/user/{bob.user_id}/rooms/{room_id}/account_data/m.fully_read")
    assert content.json() == {"event_id": first}


def test_the_fully_read_marker_only_moves_forward(alice, bob):
    room_id = shared_room(alice, bob)
    first, second = send_text(alice, room_id), send_text(alice, room_id)
    bob.post(f"/rooms/{room_id}/receipt/m.fully_read/{second}")
    bob.post(f"/rooms/{room_id}/read_markers", {"m.fully_read": first})
    content = bob.get(f"/user/{bob.user_id}/rooms/{room_id}/account_data/m.fully_read")
    assert content.json() == {"event_id": second}
    assert_matrix_error(bob.put(f"/user/{bob.user_id}/rooms/{room_id}/account_data/"
                                "m.fully_read", {"event_id": first}), 405, "M_BAD_JSON")
    assert_matrix_error(bob.post(f"/rooms/{room_id}/read_markers", {"m.read": 3}), 400,
                        "M_BAD_JSON")


def test_latest_read_receipt_for_notification_counts(server, alice, bob):
    room_id = shared_room(alice, bob)
    root = send_text(alice, room_id, "root")
    public = send_text(alice, room_id, "public")
    private = send_text(alice, room_id, "private")
    bob.post(f"/rooms/{room_id}/receipt/m.read/{public}")
    bob.post(f"/rooms/{room_id}/receipt/m.read.private/{private}")
    bob.post(f"/rooms/{room_id}/receipt/m.read/{root}", {"thread_id": "main"})
    hs = build_homeserver(load_config(server.data_dir))
    try:
        latest = hs.receipts.latest_read_receipt(bob.user_id, room_id)
        assert latest is not None and latest[0] == private
        assert latest[1] == hs.events.get(private).stream_ordering
        assert hs.receipts.latest_read_receipt(bob.user_id, room_id, "main")[0] == root
        assert hs.receipts.latest_read_receipt(alice.user_id, room_id) is None
    finally:
        hs.close()
