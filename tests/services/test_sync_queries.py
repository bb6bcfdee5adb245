"""An incremental /sync with nothing new for its user costs a handful of indexed queries,
however many rooms the user is in (issue 4, "Speed"). Counted with SQLite's trace hook on
a HomeServer built over the running server's data dir, as the admin CLI does."""

import asyncio

import pytest

from closedserver.config import load_config
from closedserver.homeserver import build_homeserver
from closedserver.services.filtering import SyncFilter
from closedserver.services.stream_tokens import StreamToken, parse_token
from closedserver.services.sync import SyncRequest
from tests.helpers import register
from tests.sync_helpers import create_room, send_text, shared_room, sync


@pytest.fixture
def hs(server):
    homeserver = build_homeserver(load_config(server.data_dir))
    yield homeserver
    homeserver.close()


def _statements(hs, user, since: str | None) -> tuple[list[str], dict]:
    statements: list[str] = []
    # The token's typing serial is the server process's; use this HomeServer's own.
    token = None if since is None else StreamToken(parse_token(since).position,
                                                   hs.typing.serial)
    request = SyncRequest(user.user_id, user.device_id, token, SyncFilter())
    hs.db.conn.set_trace_callback(statements.append)
    try:
        result = asyncio.run(hs.sync.builder.build(request, hs.sync.builder.window(request)))
    finally:
        hs.db.conn.set_trace_callback(None)
    return statements, result.body


def _count_queries(hs, user, since: str) -> tuple[int, dict]:
    statements, body = _statements(hs, user, since)
    return len(statements), body


def test_a_quiet_incremental_sync_is_a_few_queries_whatever_the_rooms(hs, server):
    user, other = register(server.url), register(server.url)
    for _ in range(30):
        send_text(user, create_room(user))
    since = sync(user)["next_batch"]
    count, body = _count_queries(hs, user, since)
    # The stream has not moved at all: its position, plus the device's key counts (one-time
    # key claims take no stream position, so they are always read).
    assert count <= 3 and body["rooms"]["join"] == {}
    send_text(other, create_room(other), "elsewhere")
    count, body = _count_queries(hs, user, since)
    assert body["rooms"]["join"] == {}
    assert count <= 12  # + to-device inbox, device-list changes, membership, receipts...


def test_one_new_message_costs_a_few_more(hs, server):
    user = register(server.url)
    rooms = [create_room(user) for _ in range(30)]
    since = sync(user)["next_batch"]
    send_text(user, rooms[7], "news")
    count, body = _count_queries(hs, user, since)
    assert list(body["rooms"]["join"]) == [rooms[7]]
    assert count <= 22  # + the room: its events (from the cache or one query), relations


def test_unread_counts_of_all_rooms_are_read_together(hs, server):
    user, other = register(server.url), register(server.url)
    rooms = [shared_room(other, user) for _ in range(12)]
    for room_id in rooms:
        send_text(other, room_id)
    send_text(user, rooms[0])  # read up to here (an own event)
    user.post(f"/rooms/{rooms[1]}/receipt/m.read/{send_text(other, rooms[1])}")
    statements, body = _statements(hs, user, None)
    counting = [s for s in statements if "push_" in s or "FROM receipts" in s]
    # The read positions, then the counts (+ the receipts shown in `ephemeral`).
    assert len(counting) <= 3, counting
    unread = {room_id: body["rooms"]["join"][room_id]["unread_notifications"]
              for room_id in rooms}
    assert unread[rooms[0]] == unread[rooms[1]] == {"notification_count": 0,
                                                    "highlight_count": 0}
    assert all(counts == {"notification_count": 1, "highlight_count": 0}
               for counts in list(unread.values())[2:])


def _work(hs, user, since: str) -> int:
    """SQLite's work for the sync (virtual machine steps, in tens)."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    hs.db.conn.set_progress_handler(count, 10)
    try:
        _statements(hs, user, since)
    finally:
        hs.db.conn.set_progress_handler(None, 100)
    return steps


def _few_and_many(server) -> tuple:
    """Two users sharing a room, one in 2 rooms, one in 40, and a sync token."""
    few, many = register(server.url), register(server.url)
    room_id = shared_room(few, many)
    create_room(few)
    for _ in range(38):
        create_room(many)
    return few, many, room_id, sync(few, set_presence="offline")["next_batch"]


def test_a_woken_sync_does_not_visit_every_room_of_its_user(hs, server):
    """A sync woken by one message reads that message's window, not each of its user's
    rooms: the user in 40 rooms costs what the one in 2 does."""
    few, many, room_id, since = _few_and_many(server)
    send_text(few, room_id, "wake up")
    few.post(f"/rooms/{room_id}/receipt/m.read/{send_text(many, room_id)}")
    assert _work(hs, many, since) < 1.5 * _work(hs, few, since)


def test_a_device_change_elsewhere_does_not_walk_every_room_of_the_user(hs, server):
    few, many, _, since = _few_and_many(server)
    register(server.url)  # a stranger's new device: a device-list change in the window
    assert _work(hs, many, since) < 1.5 * _work(hs, few, since)
