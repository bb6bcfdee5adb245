"""Who the admin CLI acts as, and what it acts on.

Commands that send events act as the server's service user `@closedserver:SERVER` (created
on first use: a local admin account without a password, recorded in `service_users`) or as
an admin named with `--as`. Rooms are named by ID or alias; users by `alice` or
`@alice:server`.
"""

from __future__ import annotations

import logging

from closedserver.clock import now_ms
from closedserver.errors import Forbidden, InvalidParam, UserDeactivated
from closedserver.services.accounts import SERVICE_LOCALPART, Accounts
from closedserver.services.rooms.access import RoomAccess
from closedserver.services.rooms.aliases import Aliases
from closedserver.storage.service_users import ServiceUsersStore

log = logging.getLogger(__name__)

SERVICE_DISPLAYNAME = "closedserver (service user)"


class ActingIdentity:
    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.db = accounts.db
        self.store = ServiceUsersStore(accounts.db)
        self.service_user_id = accounts.user_id_for(SERVICE_LOCALPART)

    def service_user_exists(self) -> bool:
        return self.store.is_service_user(self.service_user_id)

    def ensure_service_user(self) -> str:
        """The service user's ID, creating the account on first use."""
        user_id = self.service_user_id
        with self.db.transaction():
            if not self.store.is_service_user(user_id):
                if self.accounts.store.user_exists(user_id):
                    raise Forbidden(f"{user_id} is an ordinary account, not the server's "
                                    "service user: act as an admin with --as USER")
                created = now_ms()
                self.accounts.store.insert_user(user_id, None, is_admin=True,
                                                created_ts=created,
                                                profile={"displayname": SERVICE_DISPLAYNAME})
                self.store.insert_service_user(user_id, created)
                log.info("created the service user %s", user_id)
        if self.accounts.get_user(user_id).deactivated:
            raise UserDeactivated(f"The service user {user_id} is deactivated: act as an "
                                  "admin with --as USER")
        return user_id

    def actor(self, as_user: str | None) -> str:
        """The user a command sends events as: `--as` (an admin) or the service user."""
        if as_user is None:
            return self.ensure_service_user()
        user = self.accounts.find_user(as_user)
        if user.deactivated:
            raise UserDeactivated(f"{user.user_id} is deactivated")
        if not user.is_admin:
            raise Forbidden(f"{user.user_id} is not a server admin "
                            f"(closedserver user set-admin {user.user_id} on)")
        return user.user_id


class Targets:
    """Rooms by ID or alias, local users by name, with one-line errors when unknown."""

    def __init__(self, access: RoomAccess, aliases: Aliases, accounts: Accounts) -> None:
        self.access = access
        self.aliases = aliases
        self.accounts = accounts

    def room_id(self, room: str) -> str:
        if room.startswith("#"):
            return self.aliases.resolve(room)
        if not room.startswith("!"):
            raise InvalidParam(f"{room!r} is neither a room ID (!...) nor an alias (#...)")
        return self.access.room(room).room_id

    def local_user(self, user: str) -> str:
        found = self.accounts.find_user(user)
        if found.deactivated:
            raise UserDeactivated(f"{found.user_id} is deactivated")
        return found.user_id

    def alias(self, alias: str) -> str:
        """`#name:server`, or `name` completed with this server's name; validated."""
        if not alias.startswith("#"):
            alias = f"#{alias}:{self.accounts.server_name}"
        self.aliases.validate_alias(alias)
        return alias
