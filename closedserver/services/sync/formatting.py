"""Events as a sync returns them: client format without `room_id` (spec:
ClientEventWithoutRoomID) or, with `event_format: federation`, the PDU; then the filter's
`event_fields`, if any."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from closedserver.clock import now_ms
from closedserver.services.event_cache import StoredEvent
from closedserver.services.filtering import apply_event_fields
from closedserver.services.rooms.client_events import ClientEventSerializer
from closedserver.services.sync.context import SyncContext


class EventFormatter:
    def __init__(self, serializer: ClientEventSerializer) -> None:
        self.serializer = serializer

    def format(self, ctx: SyncContext, stored: Sequence[StoredEvent], *,
               memberships: dict[str, str] | None = None,
               aggregations: bool = True) -> list[dict[str, Any]]:
        sync_filter = ctx.filter
        if sync_filter.event_format == "federation":
            events = [_pdu(s) for s in stored]
        else:
            events = self.serializer.serialize(
                stored, user_id=ctx.user_id, device_id=ctx.request.device_id,
                with_room_id=False, aggregations=aggregations, memberships=memberships)
        if sync_filter.event_fields is not None:
            fields = sync_filter.event_fields
            events = [apply_event_fields(event, fields) for event in events]
        return events


def _pdu(stored: StoredEvent) -> dict[str, Any]:
    pdu = stored.event.get_pdu_json()
    unsigned = pdu.setdefault("unsigned", {})
    unsigned["age"] = max(0, now_ms() - stored.event.origin_server_ts)
    return pdu
