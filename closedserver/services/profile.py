"""User profiles: displayname, avatar_url, m.tz and custom fields (spec: "Profiles")."""

from __future__ import annotations

import re
from typing import Any

import orjson

from closedserver.errors import BadJson, Forbidden, MatrixError, NotFound
from closedserver.services.rooms.membership import Membership
from closedserver.storage.accounts import AccountsStore
from closedserver.storage.database import Database

MAX_PROFILE_BYTES = 64 * 1024
MAX_KEY_BYTES = 255
# Common Namespaced Identifier Grammar (appendices), plus the spec's own keys.
_NAMESPACED = re.compile(r"^[a-z][a-z0-9._\-]*$")
_MXC = re.compile(r"^mxc://[A-Za-z0-9.\-:\[\]]+/[A-Za-z0-9_\-]+$")


class ProfileTooLarge(MatrixError):
    errcode = "M_PROFILE_TOO_LARGE"
    status = 400


class KeyTooLarge(MatrixError):
    errcode = "M_KEY_TOO_LARGE"
    status = 400


class Profiles:
    def __init__(self, db: Database, membership: Membership) -> None:
        self.db = db
        self.store = AccountsStore(db)
        self.membership = membership

    def get_profile(self, user_id: str) -> dict[str, Any]:
        user = self.store.get_user(user_id)
        if user is None or user.deactivated:
            raise NotFound("Profile not found")
        return user.profile

    def get_field(self, user_id: str, key: str) -> Any:
        profile = self.get_profile(user_id)
        if key not in profile:
            raise NotFound(f"No profile field {key!r}")
        return profile[key]

    def set_field(self, requester_id: str, user_id: str, key: str, value: Any) -> dict[str, Any]:
        """Set one field; returns the new profile. Only the owner may change a profile."""
        self._check_owner(requester_id, user_id)
        validate_field(key, value)
        with self.db.transaction():
            profile = dict(self.get_profile(user_id))
            profile[key] = value
            if len(orjson.dumps(profile)) > MAX_PROFILE_BYTES:
                raise ProfileTooLarge("The profile would exceed 64 KiB")
            self.store.update_profile(user_id, profile)
        if key in ("displayname", "avatar_url"):
            self.membership.update_profile_in_rooms(user_id)
        return profile

    def delete_field(self, requester_id: str, user_id: str, key: str) -> dict[str, Any]:
        self._check_owner(requester_id, user_id)
        validate_key(key)
        with self.db.transaction():
            profile = dict(self.get_profile(user_id))
            if profile.pop(key, None) is not None:
                self.store.update_profile(user_id, profile)
        if key in ("displayname", "avatar_url"):
            self.membership.update_profile_in_rooms(user_id)
        return profile

    def _check_owner(self, requester_id: str, user_id: str) -> None:
        if requester_id != user_id:
            raise Forbidden("You may only change your own profile")


def validate_key(key: str) -> None:
    if len(key.encode()) > MAX_KEY_BYTES:
        raise KeyTooLarge("Profile keys are at most 255 bytes")
    if key not in ("displayname", "avatar_url", "m.tz") and not _NAMESPACED.match(key):
        raise BadJson(f"{key!r} is not a valid profile key (use a namespaced key like "
                      "'org.example.field')")


def validate_field(key: str, value: Any) -> None:
    validate_key(key)
    if key == "displayname" and not isinstance(value, str):
        raise BadJson("displayname must be a string")
    if key == "avatar_url" and not (isinstance(value, str) and (value == "" or _MXC.match(value))):
        raise BadJson("avatar_url must be an mxc:// URI")
    if key == "m.tz" and not isinstance(value, str):
        raise BadJson("m.tz must be a string")
