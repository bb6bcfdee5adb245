"""SQL for room state: state groups (state at any event), current state, current members."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from closedserver.storage.database import Database, in_chunks

StateKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class MemberRow:
    room_id: str
    user_id: str
    membership: str
    event_id: str
    stream_ordering: int
    displayname: str | None
    avatar_url: str | None
    forgotten: bool


MEMBER_COLUMNS = ("room_id, user_id, membership, event_id, stream_ordering, displayname, "
                  "avatar_url, forgotten")


def _member(row: tuple) -> MemberRow:
    return MemberRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


class StateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # state groups

    def insert_state_group(self, room_id: str, prev_group: int | None, chain_length: int,
                           entries: dict[StateKey, str]) -> int:
        cur = self.db.conn.execute(
            "INSERT INTO state_groups (room_id, prev_group, chain_length) VALUES (?, ?, ?)",
            (room_id, prev_group, chain_length))
        group_id = cur.lastrowid
        self.db.conn.executemany(
            "INSERT INTO state_group_entries (group_id, type, state_key, event_id) "
            "VALUES (?, ?, ?, ?)",
            [(group_id, t, k, e) for (t, k), e in entries.items()])
        return group_id

    def get_state_group(self, group_id: int) -> tuple[int | None, int] | None:
        """(prev_group, chain_length) of a group."""
        row = self.db.conn.execute(
            "SELECT prev_group, chain_length FROM state_groups WHERE id = ?",
            (group_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def get_state_group_entries(self, group_id: int) -> dict[StateKey, str]:
        return {(row[0], row[1]): row[2] for row in self.db.conn.execute(
            "SELECT type, state_key, event_id FROM state_group_entries WHERE group_id = ?",
            (group_id,))}

    # current state

    def get_current_state_ids(self, room_id: str) -> dict[StateKey, str]:
        return {(row[0], row[1]): row[2] for row in self.db.conn.execute(
            "SELECT type, state_key, event_id FROM current_state WHERE room_id = ?",
            (room_id,))}

    def get_current_state_id(self, room_id: str, event_type: str,
                             state_key: str) -> str | None:
        row = self.db.conn.execute(
            "SELECT event_id FROM current_state WHERE room_id = ? AND type = ? "
            "AND state_key = ?", (room_id, event_type, state_key)).fetchone()
        return row[0] if row else None

    def get_current_state_ids_for(self, room_id: str,
                                  keys: Iterable[StateKey]) -> dict[StateKey, str]:
        found = {}
        for event_type, state_key in keys:
            event_id = self.get_current_state_id(room_id, event_type, state_key)
            if event_id is not None:
                found[(event_type, state_key)] = event_id
        return found

    def upsert_current_state(self, room_id: str, event_type: str, state_key: str,
                             event_id: str) -> None:
        self.db.conn.execute(
            "INSERT INTO current_state (room_id, type, state_key, event_id) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (room_id, type, state_key) DO UPDATE SET event_id = excluded.event_id",
            (room_id, event_type, state_key, event_id))

    # members

    def upsert_member(self, room_id: str, user_id: str, membership: str, event_id: str,
                      stream_ordering: int, displayname: str | None,
                      avatar_url: str | None) -> None:
        self.db.conn.execute(
            "INSERT INTO room_members (room_id, user_id, membership, event_id, stream_ordering, "
            "displayname, avatar_url, forgotten) VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
            "ON CONFLICT (room_id, user_id) DO UPDATE SET membership = excluded.membership, "
            "event_id = excluded.event_id, stream_ordering = excluded.stream_ordering, "
            "displayname = excluded.displayname, avatar_url = excluded.avatar_url, "
            "forgotten = 0", (room_id, user_id, membership, event_id, stream_ordering,
                              displayname, avatar_url))

    def get_member(self, room_id: str, user_id: str) -> MemberRow | None:
        row = self.db.conn.execute(
            f"SELECT {MEMBER_COLUMNS} FROM room_members WHERE room_id = ? AND user_id = ?",
            (room_id, user_id)).fetchone()
        return _member(row) if row else None

    def get_membership(self, room_id: str, user_id: str) -> str | None:
        row = self.db.conn.execute(
            "SELECT membership FROM room_members WHERE room_id = ? AND user_id = ?",
            (room_id, user_id)).fetchone()
        return row[0] if row else None

    def list_members(self, room_id: str, membership: str | None = None) -> list[MemberRow]:
        sql = f"SELECT {MEMBER_COLUMNS} FROM room_members WHERE room_id = ?"
        args: list[object] = [room_id]
        if membership is not None:
            sql += " AND membership = ?"
            args.append(membership)
        return [_member(row) for row in self.db.conn.execute(sql + " ORDER BY user_id", args)]

    def list_joined_user_ids(self, room_id: str) -> list[str]:
        return [row[0] for row in self.db.conn.execute(
            "SELECT user_id FROM room_members WHERE room_id = ? AND membership = 'join'",
            (room_id,))]

    def count_members(self, room_id: str, membership: str) -> int:
        return self.db.conn.execute(
            "SELECT count(*) FROM room_members WHERE room_id = ? AND membership = ?",
            (room_id, membership)).fetchone()[0]

    def list_rooms_of_user(self, user_id: str, memberships: Iterable[str]) -> list[MemberRow]:
        wanted = list(memberships)
        marks = ",".join("?" * len(wanted))
        return [_member(row) for row in self.db.conn.execute(
            f"SELECT {MEMBER_COLUMNS} FROM room_members WHERE user_id = ? "
            f"AND membership IN ({marks})", (user_id, *wanted))]

    def list_membership_changes_since(self, user_id: str, after: int,
                                      upto: int) -> list[MemberRow]:
        return [_member(row) for row in self.db.conn.execute(
            f"SELECT {MEMBER_COLUMNS} FROM room_members WHERE user_id = ? "
            "AND stream_ordering > ? AND stream_ordering <= ?", (user_id, after, upto))]

    def set_forgotten(self, room_id: str, user_id: str) -> None:
        self.db.conn.execute(
            "UPDATE room_members SET forgotten = 1 WHERE room_id = ? AND user_id = ?",
            (room_id, user_id))

    def users_sharing_a_room(self, user_id: str) -> set[str]:
        """Users joined to any room this user is joined to (including the user)."""
        return {row[0] for row in self.db.conn.execute(
            "SELECT DISTINCT other.user_id FROM room_members mine "
            "JOIN room_members other ON other.room_id = mine.room_id "
            "WHERE mine.user_id = ? AND mine.membership = 'join' "
            "AND other.membership = 'join'", (user_id,))} | {user_id}

    def list_users_sharing_a_room(self, user_id: str, among: Iterable[str]) -> set[str]:
        """Those of `among` who are joined to a room `user_id` is joined to (+ the user):
        a join from their memberships, so it costs what they are in, not what the user is."""
        candidates = set(among)
        wanted = sorted(candidates - {user_id})
        shared = {user_id} & candidates
        for chunk, marks in in_chunks(wanted):
            shared.update(row[0] for row in self.db.conn.execute(
                "SELECT DISTINCT other.user_id FROM room_members other "
                "JOIN room_members mine ON mine.room_id = other.room_id "
                f"WHERE other.user_id IN ({marks}) AND other.membership = 'join' "
                "AND mine.user_id = ? AND mine.membership = 'join'", (*chunk, user_id)))
        return shared
