"""Device-list tracking: who changed their devices or keys, for /sync and /keys/changes.

Spec: end-to-end encryption module, "Tracking the device list for a user" and the
`device_lists` extension to /sync. A change is recorded, at a position of the global
stream, when a device is added or removed, when its identity keys or the signatures on them
change, and when a user's cross-signing keys or the signatures on them change.

Who may learn of a change is decided by room membership, which this service does not own:
build_homeserver passes in `users_sharing_a_room(user_id)` from the rooms' state storage
(users joined to a room the user is joined to, and the user). Built alone, the service uses
`only_themselves`.
"""

from __future__ import annotations

from collections.abc import Callable

from closedserver.services.notifier import Notifier
from closedserver.storage.database import Database, current_stream_position
from closedserver.storage.device_lists import DeviceListsStore

UsersSharingARoom = Callable[[str], set[str]]


def only_themselves(user_id: str) -> set[str]:
    """The stand-in for room sharing when none is given: each user shares only with self."""
    return {user_id}


class DeviceLists:
    def __init__(self, db: Database, notifier: Notifier, *,
                 users_sharing_a_room: UsersSharingARoom = only_themselves) -> None:
        self.db = db
        self.notifier = notifier
        self.users_sharing_a_room = users_sharing_a_room
        self.store = DeviceListsStore(db)

    def note_device_change(self, user_id: str) -> int:
        """Record that `user_id`'s devices or keys changed; call inside the write transaction.

        Wakes the /sync of every user who shares a room with them. Waking before the commit
        is safe: a woken request only runs after this synchronous transaction has ended
        (and a rolled-back change only causes a spurious, harmless wake-up).
        """
        position = self.store.insert_change(user_id)
        self.notifier.notify_users(self.users_sharing_a_room(user_id) | {user_id})
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
        visible = self.users_sharing_a_room(user_id) | {user_id}
        return sorted(changed & visible), []
