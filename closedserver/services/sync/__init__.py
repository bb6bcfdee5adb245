"""/sync (spec: Client-Server API, "Syncing" and GET /sync in sync.yaml), one module per
part: context (request, window), builder (one computation), service (long-polling),
rooms (which rooms, in which section), room (one joined or left room), timeline, state,
summary, ephemeral (typing, receipts), account_data, presence, stripped (invites,
knocks), formatting (event format, event_fields), sent_members (lazy loading), and e2ee
(to-device, device lists, key counts).
"""

from closedserver.services.sync.context import SyncRequest
from closedserver.services.sync.service import Sync

__all__ = ["Sync", "SyncRequest"]
