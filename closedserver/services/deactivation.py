"""Deactivating an account for good (spec: "Account deactivation"): leave every room,
then revoke sessions and erase the profile (services/accounts.py), and remove pushers."""

from __future__ import annotations

from closedserver.services.accounts import Accounts
from closedserver.services.push.pushers import Pushers
from closedserver.services.rooms.membership import Membership


class Deactivation:
    def __init__(self, accounts: Accounts, membership: Membership,
                 pushers: Pushers | None = None) -> None:
        self.accounts = accounts
        self.membership = membership
        self.pushers = pushers

    def deactivate(self, user_id: str, *, erase: bool = False) -> None:
        self.accounts.get_user(user_id)
        with self.membership.timeline.batch():
            self.membership.leave_all_rooms(user_id)
            self.accounts.deactivate(user_id, erase=erase)
            if self.pushers is not None:
                self.pushers.delete_pushers_of_user(user_id)
