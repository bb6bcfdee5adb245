"""The `ephemeral` events of joined rooms: `m.typing` and `m.receipt` (spec: /sync
Ephemeral, modules "Typing Notifications" and "Receipts").

Typing comes from memory (rooms whose typing list changed after the token's serial);
receipts from one query for all the user's rooms (changed in the window, or all of them on
an initial sync), with other users' private receipts left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from closedserver.services.sync.context import Prefetched, SyncContext, Window
from closedserver.services.typing import Typing
from closedserver.storage.receipts import ReceiptRow, ReceiptsStore

TYPING = "m.typing"
RECEIPT = "m.receipt"


class EphemeralSection:
    def __init__(self, typing: Typing, receipts: ReceiptsStore) -> None:
        self.typing = typing
        self.receipts = receipts

    def prefetch_typing(self, window: Window, joined_room_ids: Iterable[str],
                        into: Prefetched) -> None:
        typing = self.typing.changed_rooms(joined_room_ids, window.since_typing)
        into.typing = {room_id: users for room_id, users in typing.items()
                       if users or not window.initial}

    def prefetch_receipts(self, user_id: str, window: Window, joined_room_ids: Iterable[str],
                          into: Prefetched) -> None:
        """All receipts of the joined rooms (initial sync), or those changed in the window
        in any room the user is joined to (incremental: the rooms are not needed)."""
        if window.initial:
            rows = self.receipts.list_room_receipts(list(joined_room_ids), user_id,
                                                    window.upto)
        elif window.since == window.upto:
            rows = []
        else:
            rows = self.receipts.list_receipts_in_my_rooms(user_id, window.since or 0,
                                                           window.upto)
        into.receipts = receipt_contents(rows)

    def events(self, ctx: SyncContext, room_id: str) -> list[dict[str, Any]]:
        ephemeral_filter = ctx.filter.room.ephemeral
        if not ephemeral_filter.allows_room(room_id):
            return []
        found = []
        # Ephemeral events have no sender: only their type is filtered.
        typing = ctx.prefetched.typing.get(room_id)
        if typing is not None and ephemeral_filter.allows_type(TYPING):
            found.append({"type": TYPING, "content": {"user_ids": typing}})
        receipts = ctx.prefetched.receipts.get(room_id)
        if receipts and ephemeral_filter.allows_type(RECEIPT):
            found.append({"type": RECEIPT, "content": receipts})
        if ephemeral_filter.limit is not None:
            found = found[:ephemeral_filter.limit]
        return found


def receipt_contents(rows: Iterable[ReceiptRow]) -> dict[str, dict[str, Any]]:
    """{room_id: m.receipt content} ({event_id: {type: {user_id: {ts, thread_id?}}}})."""
    contents: dict[str, dict[str, Any]] = {}
    # Oldest first, so that when a user has a threaded and an unthreaded receipt of one
    # type on the same event (one slot in the content), the latest one is shown.
    for row in sorted(rows, key=lambda r: r.stream_id):
        receipt: dict[str, Any] = {"ts": row.ts}
        if row.thread_id:
            receipt["thread_id"] = row.thread_id
        by_event = contents.setdefault(row.room_id, {})
        by_event.setdefault(row.event_id, {}).setdefault(row.receipt_type, {})[
            row.user_id] = receipt
    return contents
