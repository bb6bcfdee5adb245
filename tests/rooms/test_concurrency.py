"""Concurrent senders into one room keep one linear, complete, authorised history."""

import concurrent.futures
import itertools
import json
import sqlite3

from tests.helpers import joined_room_with, register, send_text


def test_twenty_concurrent_senders_leave_a_linear_history(server):
    owner = register(server.url)
    senders = [register(server.url) for _ in range(19)]
    room_id = joined_room_with(owner, *senders, preset="public_chat")
    everyone = [owner, *senders]

    def send_many(client):
        return [send_text(client, room_id, f"{client.localpart}-{i}") for i in range(10)]

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        acknowledged = [eid for ids in pool.map(send_many, everyone) for eid in ids]
    assert len(acknowledged) == 200

    with sqlite3.connect(server.data_dir / "closedserver.db") as db:
        rows = db.execute("SELECT event_id, depth, json FROM events WHERE room_id = ? "
                          "ORDER BY stream_ordering", (room_id,)).fetchall()
        extremities = db.execute("SELECT count(*) FROM room_extremities WHERE room_id = ?",
                                 (room_id,)).fetchone()[0]
    stored_ids = [row[0] for row in rows]
    assert set(acknowledged) <= set(stored_ids)
    assert len(stored_ids) == len(set(stored_ids))
    for previous, current in itertools.pairwise(rows):
        assert json.loads(current[2])["prev_events"] == [previous[0]]
        assert current[1] == previous[1] + 1
    assert extremities == 1
