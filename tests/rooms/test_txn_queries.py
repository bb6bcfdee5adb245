"""Transaction IDs: what looking them up costs a sync, and the 0110_rooms_txn_scope
migration of rows written before IDs were scoped to the request path."""

import asyncio
import sqlite3

import pytest

from closedserver.config import load_config
from closedserver.homeserver import build_homeserver
from closedserver.services.filtering import SyncFilter
from closedserver.services.sync import SyncRequest
from closedserver.storage.database import Database
from closedserver.storage.events import EventsStore
from closedserver.storage.migrations import MIGRATIONS, migrate
from tests.helpers import create_room, register, send_text


@pytest.fixture
def hs(server):
    homeserver = build_homeserver(load_config(server.data_dir))
    yield homeserver
    homeserver.close()


def _txn_queries_of_initial_sync(hs, user) -> tuple[int, dict]:
    statements: list[str] = []
    request = SyncRequest(user.user_id, user.device_id, None, SyncFilter())
    hs.db.conn.set_trace_callback(statements.append)
    try:
        result = asyncio.run(hs.sync.builder.build(request, hs.sync.builder.window(request)))
    finally:
        hs.db.conn.set_trace_callback(None)
    return sum("event_txn_ids" in s for s in statements), result.body


def test_state_events_cost_no_transaction_id_lookup(hs, server):
    """Only PUT /send and /redact carry transaction IDs, and neither makes a state event:
    the user's own member events in every room's state and timeline need no lookup."""
    user = register(server.url)
    rooms = [create_room(user) for _ in range(5)]
    lookups, body = _txn_queries_of_initial_sync(hs, user)
    assert sorted(body["rooms"]["join"]) == sorted(rooms)
    assert lookups == 0
    send_text(user, rooms[2], "mine", txn_id="t-1")
    lookups, body = _txn_queries_of_initial_sync(hs, user)
    own = [e for e in body["rooms"]["join"][rooms[2]]["timeline"]["events"]
           if e["type"] == "m.room.message"]
    assert own[0]["unsigned"]["transaction_id"] == "t-1"
    assert lookups == 1


def test_migration_gives_earlier_rows_the_scope_of_a_send(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for name, migration in MIGRATIONS:
        if name == "0110_rooms_txn_scope":
            continue
        conn.execute("BEGIN")
        migration(conn)
        conn.execute("COMMIT")
    conn.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_ts INTEGER "
                 "NOT NULL)")
    conn.executemany("INSERT INTO schema_migrations VALUES (?, 0)",
                     [(name,) for name, _ in MIGRATIONS if name != "0110_rooms_txn_scope"])
    conn.execute("INSERT INTO rooms (room_id, room_version, creator, created_ts) "
                 "VALUES ('!r:x', '11', '@a:x', 0)")
    conn.execute("INSERT INTO events (stream_ordering, event_id, room_id, type, sender, depth, "
                 "origin_server_ts, state_group, json) VALUES "
                 "(1, '$e', '!r:x', 'm.room.message', '@a:x', 1, 0, 0, x'7b7d')")
    conn.execute("INSERT INTO event_txn_ids VALUES ('@a:x', 'DEV', 'txn', '$e', 0), "
                 "('@a:x', 'DEV', 'purged', '$gone', 0)")
    conn.close()
    database = Database(path)
    try:
        assert migrate(database) == ["0110_rooms_txn_scope"]
        store = EventsStore(database)
        assert store.get_txn_event_id("@a:x", "DEV", "send/!r:x/m.room.message", "txn") == "$e"
        assert store.get_txn_event_id("@a:x", "DEV", "send/!r:y/m.room.message", "txn") is None
        assert store.get_txn_ids_of_events("@a:x", "DEV", ["$e", "$gone"]) == {"$e": "txn"}
    finally:
        database.close()
