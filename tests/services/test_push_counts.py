"""Unread counts against read positions (services/push/counts.py) on a real database:
receipts are rows of the receipts table set by the test, and the user's own events read the
room."""

import pytest

from closedserver.services.push.counts import PushCounts
from closedserver.storage.database import Database
from closedserver.storage.migrations import migrate
from closedserver.storage.push import ActionRow, PushActionsStore
from closedserver.storage.receipts import UNTHREADED, ReceiptsStore
from closedserver.storage.state import StateStore

USER = "@alice:example.org"
ROOM = "!room:example.org"
ROOT = "$root"


class Receipts:
    """The user's m.read receipts in the receipts table: `receipts[(user, room, thread)] =
    stream position` stores one (thread None: unthreaded), `del` removes it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def __setitem__(self, key: tuple[str, str, str | None], position: int) -> None:
        user_id, room_id, thread_id = key
        with self.db.transaction():
            self.__delitem__(key)
            ReceiptsStore(self.db).upsert_receipt(room_id, "m.read", user_id,
                                                  thread_id or UNTHREADED, f"$at{position}",
                                                  position, 0)

    def __delitem__(self, key: tuple[str, str, str | None]) -> None:
        user_id, room_id, thread_id = key
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM receipts WHERE room_id = ? AND user_id = ? "
                         "AND thread_id = ?", (room_id, user_id, thread_id or UNTHREADED))


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "push.db")
    migrate(database)
    with database.transaction() as conn:  # receipts belong to a room
        conn.execute("INSERT INTO rooms (room_id, room_version, creator, created_ts) "
                     "VALUES (?, '10', ?, 0)", (ROOM, USER))
    yield database
    database.close()


def add(db, position: int, thread_id: str | None = None, highlight: bool = False,
        room_id: str = ROOM) -> None:
    """A notifying row at `position` (the stream has reached it, as in the server)."""
    with db.transaction() as conn:
        conn.execute("UPDATE stream_position SET position = max(position, ?)", (position,))
        PushActionsStore(db).insert_actions([ActionRow(
            USER, position, room_id, f"$e{position}", thread_id, True, highlight,
            '["notify"]')])


def counts(notifications: int, highlights: int = 0) -> dict[str, int]:
    return {"notification_count": notifications, "highlight_count": highlights}


def test_unthreaded_receipts_cover_every_thread_and_thread_receipts_their_thread(db):
    for position, thread in [(1, None), (2, ROOT), (3, None), (4, ROOT), (5, None)]:
        add(db, position, thread, highlight=position == 4)
    receipts = Receipts(db)
    service = PushCounts(db, StateStore(db))
    assert service.unread_counts(USER, ROOM) == (counts(5, 1), {ROOT: counts(2, 1)})
    assert service.unread_counts(USER, ROOM, by_thread=True) == (
        counts(3), {ROOT: counts(2, 1)})
    receipts[(USER, ROOM, ROOT)] = 4
    assert service.unread_counts(USER, ROOM, by_thread=True) == (counts(3), {})
    receipts[(USER, ROOM, "main")] = 3
    assert service.unread_counts(USER, ROOM) == (counts(1), {})
    del receipts[(USER, ROOM, ROOT)]
    receipts[(USER, ROOM, None)] = 2
    assert service.unread_counts(USER, ROOM, by_thread=True) == (
        counts(1), {ROOT: counts(1, 1)})
    receipts[(USER, ROOM, None)] = 5
    assert service.unread_counts(USER, ROOM, by_thread=True) == (counts(0), {})


def test_the_users_own_events_read_the_room_up_to_them(db):
    for position, thread in [(1, None), (2, ROOT), (4, ROOT), (5, None)]:
        add(db, position, thread)
    store = PushActionsStore(db)
    receipts = Receipts(db)
    service = PushCounts(db, StateStore(db))
    with db.transaction():
        store.upsert_own_read(USER, ROOM, 3)
    assert service.unread_counts(USER, ROOM, by_thread=True) == (counts(1), {ROOT: counts(1)})
    with db.transaction():
        store.upsert_own_read(USER, ROOM, 2)  # positions never move back
    assert service.unread_counts(USER, ROOM) == (counts(2), {ROOT: counts(1)})
    receipts[(USER, ROOM, ROOT)] = 4  # a receipt further on wins in its thread
    assert service.unread_counts(USER, ROOM) == (counts(1), {})
    read = service.read_positions(USER, [ROOM])[ROOM]
    assert read.is_read(ROOT, 4) and read.is_read(None, 3) and not read.is_read(None, 5)


def test_many_rooms_at_once_with_the_cache_and_a_redaction(db):
    other = "!other:example.org"
    for position, room_id in [(1, ROOM), (2, other), (3, other)]:
        add(db, position, room_id=room_id)
    service = PushCounts(db, StateStore(db))
    rooms = service.unread_counts_of_rooms(USER, [ROOM, other, "!quiet:example.org"])
    assert {room_id: room[0] for room_id, room in rooms.items()} == {
        ROOM: counts(1), other: counts(2), "!quiet:example.org": counts(0)}
    add(db, 4, room_id=other)  # counted from the cache: only the new row is read
    assert service.unread_counts(USER, other) == (counts(3), {})
    with db.transaction():  # a redaction takes its event's row away
        PushActionsStore(db).delete_actions_at(3)
    service.forget_room(other)
    assert service.unread_counts_of_rooms(USER, [ROOM, other]) == {
        ROOM: (counts(1), {}), other: (counts(2), {})}
