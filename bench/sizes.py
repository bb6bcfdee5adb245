"""How much work each scenario does; --scale multiplies the volumes, --smoke shrinks all.

The shape of a scenario stays fixed under --scale (10 senders, 20 parked members,
pages of 100, timeline limit 10, 100 messages per room); the amounts of data and of
repetitions grow or shrink.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

# (field names) the volumes that --scale multiplies
SCALED = (
    "register_users", "messages_per_sender", "fanout_messages", "sync_rooms",
    "sync_repeats", "empty_syncs", "pagination_messages", "pagination_repeats",
)


@dataclass(frozen=True)
class Sizes:
    register_users: int = 8          # register+login pairs per round
    senders: int = 10                # concurrent senders in both send scenarios
    send_rooms: int = 10             # rooms of the "10 rooms" send scenario
    messages_per_sender: int = 25    # per sender per round
    fanout_members: int = 20         # members parked in /sync
    fanout_messages: int = 25        # messages per round, each awaited by every member
    sync_rooms: int = 50             # rooms of the initial-sync user
    messages_per_room: int = 100     # history of each of those rooms
    members_per_room: int = 5        # joined members of each of those rooms
    sync_repeats: int = 4            # initial syncs per round (after one untimed)
    timeline_limit: int = 10         # of the lazy-loading filter
    empty_syncs: int = 100           # incremental empty syncs per round
    pagination_messages: int = 1000  # history of the /messages room
    page_size: int = 100
    pagination_repeats: int = 3      # walks through the whole history per round
    setup_concurrency: int = 10      # parallel requests while building fixtures
    settle_s: float = 3.0            # idle wait before memory and database readings

    def scaled(self, factor: float) -> Sizes:
        if factor <= 0:
            raise ValueError(f"scale must be positive, got {factor}")
        changes = {name: max(1, round(getattr(self, name) * factor)) for name in SCALED}
        return replace(self, **changes)

    def describe(self) -> str:
        return ", ".join(f"{field.name}={getattr(self, field.name)}" for field in fields(self))


SMOKE = Sizes(
    register_users=2, senders=3, send_rooms=3, messages_per_sender=3, fanout_members=3,
    fanout_messages=3, sync_rooms=3, messages_per_room=5, members_per_room=2,
    sync_repeats=1, empty_syncs=5, pagination_messages=150, pagination_repeats=1, settle_s=0.2,
)
