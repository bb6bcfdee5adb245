"""What one /sync computation works from: the request, the window of the streams it covers
(since -> upto), and the data fetched once for all rooms (typing, receipts, account data,
current state, unread counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from closedserver.services.filtering import SyncFilter
from closedserver.services.push.counts import RoomCounts
from closedserver.services.stream_tokens import StreamToken
from closedserver.storage.state import MemberRow

DEFAULT_TIMELINE_LIMIT = 10
MAX_TIMELINE_LIMIT = 1000


@dataclass(frozen=True)
class SyncRequest:
    """A parsed GET /sync."""

    user_id: str
    device_id: str
    since: StreamToken | None
    filter: SyncFilter
    full_state: bool = False
    timeout_ms: int = 0
    set_presence: str | None = None

    @property
    def timeline_limit(self) -> int:
        limit = self.filter.room.timeline.limit
        return DEFAULT_TIMELINE_LIMIT if limit is None else min(limit, MAX_TIMELINE_LIMIT)


@dataclass(frozen=True)
class Window:
    """The streams a sync covers: persisted positions in (since, upto], typing serials in
    (since_typing, typing]. `since` is None for an initial sync."""

    since: int | None
    upto: int
    since_typing: int
    typing: int

    @property
    def initial(self) -> bool:
        return self.since is None

    @property
    def next_batch(self) -> str:
        return str(StreamToken(self.upto, self.typing))


@dataclass(frozen=True)
class RoomPlan:
    """One room to report in `join` or `leave`.

    `since` is None when the room is reported initial-style (recent timeline and the full
    state at its start): initial syncs and rooms joined since the token. `upto` is the
    window's end, or the user's leave for a room they left. `full_state` asks for the full
    state even with a `since`.
    """

    room_id: str
    section: str
    member: MemberRow
    since: int | None
    upto: int
    full_state: bool


@dataclass
class Prefetched:
    """Per-room data fetched once for the whole sync, keyed by room ID."""

    typing: dict[str, list[str]] = field(default_factory=dict)
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    account_data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    current_state: dict[str, dict[tuple[str, str], str]] = field(default_factory=dict)
    heads: dict[str, int] = field(default_factory=dict)
    unread: dict[str, RoomCounts] = field(default_factory=dict)


@dataclass
class SyncContext:
    request: SyncRequest
    window: Window
    prefetched: Prefetched
    joined: dict[str, MemberRow]
    sent_members: dict[str, dict[str, str]] | None = None
    """room -> user -> member event ID already sent to this device (lazy loading), or None
    when redundant members are wanted."""
    new_sharers: set[str] = field(default_factory=set)
    """Users who came to share a room with the user in this window (their presence is
    sent even if it did not change)."""
    departed: set[str] = field(default_factory=set)
    """Users who left a room the user is in, or all members of a room the user left, in
    this window: those sharing no room any more are `device_lists.left`."""

    @property
    def user_id(self) -> str:
        return self.request.user_id

    @property
    def filter(self) -> SyncFilter:
        return self.request.filter
