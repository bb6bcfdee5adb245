"""Server-side key backups: backup versions and the encrypted session keys stored in them.

Spec: end-to-end encryption module, "Server-side key backups", and the Key Backup API
(/room_keys/version, /room_keys/keys). The server never decrypts anything: `auth_data` and
`session_data` are stored as given. Keys can only be written to the current (newest, not
deleted) version. A version number is never reused, and deleting a deleted version succeeds.
"""

from __future__ import annotations

from typing import Any

from closedserver.errors import BadJson, InvalidParam, NotFound
from closedserver.services.e2ee.errors import WrongRoomKeysVersion
from closedserver.storage.database import Database
from closedserver.storage.key_backup import BackedUpSession, BackupVersion, KeyBackupStore


def should_replace(current: BackedUpSession | None, new: BackedUpSession) -> bool:
    """The spec's rule for a session the backup already holds: keep the verified key, then
    the one with the lower first_message_index, then the lower forwarded_count."""
    if current is None:
        return True
    if current.is_verified != new.is_verified:
        return new.is_verified
    if current.first_message_index != new.first_message_index:
        return new.first_message_index < current.first_message_index
    return new.forwarded_count < current.forwarded_count


def check_session(room_id: str, session_id: str, data: Any) -> BackedUpSession:
    """A KeyBackupData object, or 400 M_BAD_JSON."""
    if not isinstance(data, dict):
        raise BadJson(f"Key data for session {session_id} must be an object")
    for name in ("first_message_index", "forwarded_count"):
        if not isinstance(data.get(name), int) or isinstance(data[name], bool):
            raise BadJson(f"'{name}' must be an integer")
    if not isinstance(data.get("is_verified"), bool):
        raise BadJson("'is_verified' must be a boolean")
    if not isinstance(data.get("session_data"), dict):
        raise BadJson("'session_data' must be an object")
    return BackedUpSession(room_id, session_id, data["first_message_index"],
                           data["forwarded_count"], data["is_verified"], data["session_data"])


def room_sessions(room_id: str, sessions: Any) -> list[BackedUpSession]:
    """The sessions of a RoomKeyBackup's `sessions` object ({session_id: KeyBackupData})."""
    if not isinstance(sessions, dict):
        raise BadJson("'sessions' must map session IDs to key data")
    return [check_session(room_id, session_id, data) for session_id, data in sessions.items()]


def rooms_sessions(rooms: Any) -> list[BackedUpSession]:
    """The sessions of `rooms` ({room_id: {"sessions": {...}}})."""
    if not isinstance(rooms, dict) or not all(isinstance(r, dict) for r in rooms.values()):
        raise BadJson("'rooms' must map room IDs to {\"sessions\": ...} objects")
    return [session for room_id, room in rooms.items()
            for session in room_sessions(room_id, room.get("sessions"))]


def _version_number(version: str) -> int | None:
    """Versions are the decimal numbers this server hands out; anything else is unknown."""
    if not (version.isascii() and version.isdigit() and len(version) < 18):
        return None
    number = int(version)
    return number if str(number) == version else None


class KeyBackup:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.store = KeyBackupStore(db)

    # versions

    def create_version(self, user_id: str, algorithm: str, auth_data: dict[str, Any]) -> str:
        with self.db.transaction():
            return str(self.store.insert_version(user_id, algorithm, auth_data))

    def version_info(self, user_id: str, version: str | None = None) -> dict[str, Any]:
        """GET /room_keys/version[/{version}]: the latest backup, or the one named."""
        with self.db.snapshot():
            if version is None:
                backup = self.store.get_latest_version(user_id)
                if backup is None:
                    raise NotFound("No current backup version")
            else:
                backup = self._existing(user_id, version)
            return {"algorithm": backup.algorithm, "auth_data": backup.auth_data,
                    "count": self.store.count_sessions(user_id, backup.version),
                    "etag": str(backup.etag), "version": str(backup.version)}

    def update_version(self, user_id: str, version: str, algorithm: str,
                       auth_data: dict[str, Any], body_version: str | None) -> None:
        """PUT /room_keys/version/{version}: only `auth_data` changes."""
        if body_version is not None and body_version != version:
            raise InvalidParam("The version in the body does not match the path")
        with self.db.transaction():
            backup = self._existing(user_id, version)
            if algorithm != backup.algorithm:
                raise InvalidParam("Algorithm does not match")
            self.store.update_auth_data(user_id, backup.version, auth_data)

    def delete_version(self, user_id: str, version: str) -> None:
        number = _version_number(version)
        with self.db.transaction():
            backup = self.store.get_version(user_id, number) if number is not None else None
            if backup is None:
                raise NotFound("Unknown backup version")
            if not backup.deleted:
                self.store.mark_deleted(user_id, backup.version)

    def _existing(self, user_id: str, version: str) -> BackupVersion:
        number = _version_number(version)
        backup = self.store.get_version(user_id, number) if number is not None else None
        if backup is None or backup.deleted:
            raise NotFound("Unknown backup version")
        return backup

    # session keys

    def put_keys(self, user_id: str, version: str,
                 sessions: list[BackedUpSession]) -> dict[str, Any]:
        """Store keys in the current backup (403 M_WRONG_ROOM_KEYS_VERSION otherwise)."""
        with self.db.transaction():
            current = self.store.get_latest_version(user_id)
            if current is None:
                raise NotFound("Unknown backup version")
            if _version_number(version) != current.version:
                raise WrongRoomKeysVersion(str(current.version))
            changed = False
            for session in sessions:
                stored = self.store.list_sessions(user_id, current.version, session.room_id,
                                                  session.session_id)
                if should_replace(stored[0] if stored else None, session):
                    self.store.upsert_session(user_id, current.version, session)
                    changed = True
            if changed:
                self.store.bump_etag(user_id, current.version)
            return self._etag_and_count(user_id, current.version)

    def get_keys(self, user_id: str, version: str, room_id: str | None = None,
                 session_id: str | None = None) -> list[BackedUpSession]:
        with self.db.snapshot():
            backup = self._existing(user_id, version)
            return self.store.list_sessions(user_id, backup.version, room_id, session_id)

    def delete_keys(self, user_id: str, version: str, room_id: str | None = None,
                    session_id: str | None = None) -> dict[str, Any]:
        with self.db.transaction():
            backup = self._existing(user_id, version)
            if self.store.delete_sessions(user_id, backup.version, room_id, session_id):
                self.store.bump_etag(user_id, backup.version)
            return self._etag_and_count(user_id, backup.version)

    def _etag_and_count(self, user_id: str, version: int) -> dict[str, Any]:
        backup = self.store.get_version(user_id, version)
        assert backup is not None
        return {"etag": str(backup.etag), "count": self.store.count_sessions(user_id, version)}
