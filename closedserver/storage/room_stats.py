"""SQL for the admin's view of rooms: member counts, activity, event and media counts.

Read-only queries over rooms, room_members and events. "Local" means a user ID ending in
`:<server name>`, compared exactly (server names are case-sensitive).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks


@dataclass(frozen=True, slots=True)
class RoomStatsRow:
    room_id: str
    joined: int
    local_joined: int
    last_activity_ts: int | None


@dataclass(frozen=True, slots=True)
class MemberCounts:
    """membership -> (all, local), e.g. {"join": (3, 2), "invite": (1, 1)}."""

    by_membership: dict[str, tuple[int, int]]

    def count(self, membership: str, *, local: bool = False) -> int:
        return self.by_membership.get(membership, (0, 0))[1 if local else 0]


class RoomStatsStore:
    def __init__(self, db: Database, server_name: str) -> None:
        self.db = db
        self.suffix = ":" + server_name

    def list_room_stats(self, room_id: str | None = None) -> dict[str, RoomStatsRow]:
        """room_id -> joined members (all, local) and the time of the latest event, for
        every room or one."""
        rows = self.db.conn.execute(
            "SELECT r.room_id, "
            "(SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id "
            " AND m.membership = 'join'), "
            "(SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id "
            " AND m.membership = 'join' AND substr(m.user_id, -?) = ?), "
            "(SELECT e.origin_server_ts FROM events e "
            " WHERE e.stream_ordering = r.last_stream_ordering) "
            "FROM rooms r WHERE ? IS NULL OR r.room_id = ?",
            (len(self.suffix), self.suffix, room_id, room_id))
        return {row[0]: RoomStatsRow(row[0], row[1], row[2], row[3]) for row in rows}

    def get_member_counts(self, room_id: str) -> MemberCounts:
        rows = self.db.conn.execute(
            "SELECT membership, count(*), sum(substr(user_id, -?) = ?) FROM room_members "
            "WHERE room_id = ? GROUP BY membership", (len(self.suffix), self.suffix, room_id))
        return MemberCounts({row[0]: (row[1], row[2] or 0) for row in rows})

    def list_local_members(self, room_id: str, memberships: tuple[str, ...]) -> list[str]:
        marks = ",".join("?" * len(memberships))
        return [row[0] for row in self.db.conn.execute(
            f"SELECT user_id FROM room_members WHERE room_id = ? AND membership IN ({marks}) "
            "AND substr(user_id, -?) = ? ORDER BY user_id",
            (room_id, *memberships, len(self.suffix), self.suffix))]

    def count_events(self, room_id: str) -> tuple[int, int, int]:
        """(all events, state events, events carrying a content URL) of a room."""
        row = self.db.conn.execute(
            "SELECT count(*), count(state_key), coalesce(sum(contains_url), 0) FROM events "
            "WHERE room_id = ?", (room_id,)).fetchone()
        return (row[0], row[1], row[2])

    def iter_url_event_json(self, room_id: str | None = None,
                            exclude_room_id: str | None = None) -> Iterator[bytes]:
        """The stored JSON of events carrying a content URL (of one room, or all but one)."""
        sql = "SELECT json FROM events WHERE contains_url = 1"
        args: list[object] = []
        if room_id is not None:
            sql += " AND room_id = ?"
            args.append(room_id)
        if exclude_room_id is not None:
            sql += " AND room_id != ?"
            args.append(exclude_room_id)
        for row in self.db.conn.execute(sql, args):
            yield row[0]

    def list_avatar_urls(self, exclude_room_id: str) -> set[str]:
        """Avatar URLs in use: users' profiles and members' avatars in other rooms."""
        urls = {row[0] for row in self.db.conn.execute(
            "SELECT DISTINCT avatar_url FROM room_members WHERE room_id != ? "
            "AND avatar_url IS NOT NULL", (exclude_room_id,))}
        urls |= {row[0] for row in self.db.conn.execute(
            "SELECT json_extract(profile, '$.avatar_url') FROM users "
            "WHERE json_extract(profile, '$.avatar_url') IS NOT NULL")}
        return {url for url in urls if isinstance(url, str)}

    def table_exists(self, name: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                    "AND name = ?", (name,)).fetchone() is not None

    def count_existing_media(self, media_ids: list[str]) -> int:
        """How many of these media IDs the media table holds (0 without a media table)."""
        if not media_ids or not self.table_exists("media"):
            return 0
        found = 0
        for chunk, marks in in_chunks(media_ids):
            found += self.db.conn.execute(
                f"SELECT count(*) FROM media WHERE media_id IN ({marks})", chunk).fetchone()[0]
        return found
