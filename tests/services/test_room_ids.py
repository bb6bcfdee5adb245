"""v12 room IDs come from the create event's hash: identical create events collide, and
the timeline detects it so createRoom can pick another timestamp (never a DB error)."""

import subprocess

import pytest

from closedserver.config import load_config
from closedserver.homeserver import build_homeserver
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS
from closedserver.services.rooms.creation import RoomRequest
from closedserver.services.timeline import EventDraft
from tests.server import CLI, TEST_ENV


@pytest.fixture
def hs(tmp_path):
    subprocess.run([CLI, "init", "--server-name", "localhost", "--data-dir", str(tmp_path)],
                   check=True, capture_output=True)
    homeserver = build_homeserver(load_config(tmp_path, environ=TEST_ENV))
    yield homeserver
    homeserver.close()


async def test_identical_create_events_collide_and_are_detected(hs):
    await hs.accounts.create_user("alice", None)
    version = KNOWN_ROOM_VERSIONS["12"]
    draft = EventDraft("@alice:localhost", "m.room.create", {"room_version": "12"}, "")
    with hs.timeline.batch():
        first = hs.timeline.create_room_event(version, None, draft, federate=True,
                                              room_type=None, origin_server_ts=1000)
    with pytest.raises(LookupError), hs.timeline.batch():
        hs.timeline.create_room_event(version, None, draft, federate=True, room_type=None,
                                      origin_server_ts=1000)
    assert first.room_id.startswith("!")


async def test_create_room_twice_in_the_same_millisecond_gives_two_rooms(hs):
    await hs.accounts.create_user("bob", None)
    ids = {hs.room_creation.create_room("@bob:localhost", RoomRequest())[0] for _ in range(5)}
    assert len(ids) == 5
