"""build_sync(): the /sync parts wired together (called by build_homeserver)."""

from __future__ import annotations

from closedserver.services.account_data import AccountData
from closedserver.services.event_cache import EventCache
from closedserver.services.notifier import Notifier
from closedserver.services.presence import Presence
from closedserver.services.push.counts import PushCounts
from closedserver.services.room_state import RoomState
from closedserver.services.rooms.client_events import ClientEventSerializer
from closedserver.services.rooms.visibility import Visibility
from closedserver.services.sync.account_data import AccountDataSection
from closedserver.services.sync.builder import SyncBuilder
from closedserver.services.sync.e2ee import E2eeSync
from closedserver.services.sync.ephemeral import EphemeralSection
from closedserver.services.sync.formatting import EventFormatter
from closedserver.services.sync.presence import PresenceSection
from closedserver.services.sync.room import RoomBuilder
from closedserver.services.sync.rooms import RoomsSection
from closedserver.services.sync.service import Sync
from closedserver.services.sync.state import StateSection
from closedserver.services.sync.stripped import StrippedState
from closedserver.services.sync.summary import SummaryReader
from closedserver.services.sync.timeline import TimelineReader
from closedserver.services.typing import Typing
from closedserver.storage.database import Database
from closedserver.storage.receipts import ReceiptsStore
from closedserver.storage.sync import SyncStore


def build_sync(db: Database, notifier: Notifier, events: EventCache, room_state: RoomState,
               visibility: Visibility, serializer: ClientEventSerializer, typing: Typing,
               presence: Presence, account_data: AccountData, counts: PushCounts,
               e2ee: E2eeSync) -> Sync:
    store = SyncStore(db)
    ephemeral = EphemeralSection(typing, ReceiptsStore(db))
    account_data_section = AccountDataSection(account_data.store)
    room_builder = RoomBuilder(
        events, TimelineReader(events, visibility, store), StateSection(events, room_state, store),
        SummaryReader(events, store), ephemeral, account_data_section,
        EventFormatter(serializer), counts)
    rooms = RoomsSection(events, room_builder, StrippedState(events, store, room_state.store))
    builder = SyncBuilder(db, room_state.store, store, typing, rooms, ephemeral,
                          account_data_section, PresenceSection(presence), e2ee)
    return Sync(builder, notifier, presence)
