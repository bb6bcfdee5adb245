"""Device-list tracking: who changed their devices or keys, for /sync and /keys/changes.

Spec: end-to-end encryption module, "Tracking the device list for a user" and the
`device_lists` extension to /sync. A change is recorded, at a position of the global
stream, when a device is added or removed, when its identity keys or the signatures on them
change, and when a user's cross-signing keys or the signatures on them change.

Who may learn of a change is decided by room membership, read from the rooms' state
storage (users joined to a room the user is joined to).
"""

from __future__ import annotations

from closedserver.services.notifier import Notifier
from closedserver.storage.database import Database, current_stream_position
from closedserver.storage.device_lists import DeviceListsStore
from closedserver.storage.state import StateStore


class DeviceLists:
    def __init__(self, db: Database, notifier: Notifier, members: StateStore) -> None:
        self.db = db
        self.notifier = notifier
        self.members = members
        self.store = DeviceListsStore(db)

    def note_device_change(self, user_id: str) -> int:
        """Record that `user_id`'s devices or keys changed; call inside the write transaction.

        Wakes the /sync of every user who shares a room with them. Waking before the commit
        is safe: a woken request only runs after this synchronous transaction has ended
        (and a rolled-back change only causes a spurious, harmless wake-up).
        """
        position = self.store.insert_change(user_id)
        self.notifier.notify_users(self.members.users_sharing_a_room(user_id))
        return position

    def users_with_changed_devices(self, since: int, upto: int) -> set[str]:
        """Users whose devices, keys or signatures changed in (since, upto]."""
        return self.store.list_changed_users(since, upto)

    def changes_for(self, user_id: str, since: int) -> tuple[list[str], list[str]]:
        """GET /keys/changes: (changed, left) since a stream position, as `user_id` sees them.

        `changed`: users who share a room with `user_id` (or are `user_id`) and changed since
        then. `left` (users who stopped sharing every room) needs membership history over
        the window, which /sync computes; here it is empty.
        """
        with self.db.snapshot() as conn:
            upto = current_stream_position(conn)
            changed = self.store.list_changed_users(since, upto)
        return sorted(self.members.list_users_sharing_a_room(user_id, changed)), []
