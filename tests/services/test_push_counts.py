"""Unread counts against read positions (services/push/counts.py) on a real database:
receipts come through the ReadReceipts seam, here a table of receipts set by the test
(the receipts service is built elsewhere), and the user's own events read the room."""

import pytest

from closedserver.services.push.counts import PushCounts
from closedserver.storage.database import Database
from closedserver.storage.migrations import migrate
from closedserver.storage.push import ActionRow, PushActionsStore
from closedserver.storage.state import StateStore

USER = "@alice:example.org"
ROOM = "!room:example.org"
ROOT = "$root"


class Receipts:
    """(user, room, thread) -> stream position of the receipt."""

    def __init__(self) -> None:
        self.positions: dict[tuple[str, str, str | None], int] = {}

    def latest_read_receipt(self, user_id, room_id, thread_id=None):
        position = self.positions.get((user_id, room_id, thread_id))
        return (f"$at{position}", position) if position is not None else None

    def receipts_version(self, user_id, room_id):
        return hash(tuple(sorted((k[2] or "", v) for k, v in self.positions.items()
                                 if k[:2] == (user_id, room_id))))


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "push.db")
    migrate(database)
    yield database
    database.close()


def add(db, position: int, thread_id: str | None = None, highlight: bool = False) -> None:
    """A notifying row at `position` (the stream has reached it, as in the server)."""
    with db.transaction() as conn:
        conn.execute("UPDATE stream_position SET position = max(position, ?)", (position,))
        PushActionsStore(db).insert_actions([ActionRow(
            USER, position, ROOM, f"$e{position}", thread_id, True, highlight, '["notify"]')])


def counts(notifications: int, highlights: int = 0) -> dict[str, int]:
    return {"notification_count": notifications, "highlight_count": highlights}


def test_unthreaded_receipts_cover_every_thread_and_thread_receipts_their_thread(db):
    for position, thread in [(1, None), (2, ROOT), (3, None), (4, ROOT), (5, None)]:
        add(db, position, thread, highlight=position == 4)
    receipts = Receipts()
    service = PushCounts(db, StateStore(db), receipts)
    assert service.unread_counts(USER, ROOM) == (counts(5, 1), {ROOT: counts(2, 1)})
    assert service.unread_counts(USER, ROOM, by_thread=True) == (
        counts(3), {ROOT: counts(2, 1)})
    receipts.positions[(USER, ROOM, ROOT)] = 4
    assert service.unread_counts(USER, ROOM, by_thread=True) == (counts(3), {})
    receipts.positions[(USER, ROOM, "main")] = 3
    assert service.unread_counts(USER, ROOM) == (counts(1), {})
    del receipts.positions[(USER, ROOM, ROOT)]
    receipts.positions[(USER, ROOM, None)] = 2
    assert service.unread_counts(USER, ROOM, by_thread=True) == (
        counts(1), {ROOT: counts(1, 1)})
    receipts.positions[(USER, ROOM, None)] = 5
    assert service.unread_counts(USER, ROOM, by_thread=True) == (counts(0), {})


def test_the_users_own_events_read_the_room_up_to_them(db):
    for position, thread in [(1, None), (2, ROOT), (4, ROOT), (5, None)]:
        add(db, position, thread)
    store = PushActionsStore(db)
    receipts = Receipts()
    service = PushCounts(db, StateStore(db), receipts)
    with db.transaction():
        store.upsert_own_read(USER, ROOM, 3)
    assert service.unread_counts(USER, ROOM, by_thread=True) == (counts(1), {ROOT: counts(1)})
    with db.transaction():
        store.upsert_own_read(USER, ROOM, 2)  # positions never move back
    assert service.unread_counts(USER, ROOM) == (counts(2), {ROOT: counts(1)})
    receipts.positions[(USER, ROOM, ROOT)] = 4  # a receipt further on wins in its thread
    assert service.unread_counts(USER, ROOM) == (counts(1), {})
    read = service.read_positions(USER, ROOM)
    assert read.is_read(ROOT, 4) and read.is_read(None, 3) and not read.is_read(None, 5)
