"""Send-to-device messaging: PUT /sendToDevice and the inbox /sync drains.

Spec: "Send-to-Device messaging" (server behaviour). Messages are stored in SQLite, one per
target device, at the stream position of the request that sent them, so they survive
restarts. A /sync lists a device's pending messages in order of arrival; the next /sync,
whose `since` covers them, acknowledges and deletes them. At most SYNC_LIMIT go out per
/sync. Messages to remote users are dropped (this server does not federate), with a log line.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from closedserver.clock import now_ms
from closedserver.errors import BadJson
from closedserver.services.e2ee.validation import server_of
from closedserver.services.notifier import Notifier
from closedserver.storage.accounts import AccountsStore
from closedserver.storage.database import Database, next_stream_position
from closedserver.storage.to_device import ToDeviceStore

log = logging.getLogger(__name__)

SYNC_LIMIT = 100  # the spec's recommended cap per /sync response
TXN_LIFETIME_MS = 24 * 60 * 60 * 1000  # a retried request is recognised for a day
ALL_DEVICES = "*"


class ToDevice:
    def __init__(self, db: Database, server_name: str, notifier: Notifier) -> None:
        self.db = db
        self.server_name = server_name
        self.notifier = notifier
        self.store = ToDeviceStore(db)
        self.accounts = AccountsStore(db)

    def send(self, sender: str, sender_device_id: str, txn_id: str, event_type: str,
             messages: Any) -> None:
        """Queue `messages` ({user_id: {device_id or "*": content}}) for their devices.

        Idempotent per (sender, sending device, event type, txn_id): a repeated request
        (same transaction ID and path) does nothing.
        """
        messages = _check_messages(messages)
        with self.db.transaction() as conn:
            if self.store.txn_seen(sender, sender_device_id, event_type, txn_id):
                return
            self.store.delete_txns_before(sender, sender_device_id, now_ms() - TXN_LIFETIME_MS)
            self.store.insert_txn(sender, sender_device_id, event_type, txn_id, now_ms())
            deliveries = self._local_deliveries(sender, event_type, messages)
            if not deliveries:
                return
            position = next_stream_position(conn)
            self.store.insert_messages([
                (user_id, device_id, position, sender, event_type, content)
                for (user_id, device_id), content in deliveries.items()])
        self.notifier.notify_users({user_id for user_id, _ in deliveries})

    def _local_deliveries(self, sender: str, event_type: str,
                          messages: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
        """{(user_id, device_id): content JSON} for existing local devices.

        A named device takes its own content over the `*` content for the same user.
        """
        deliveries: dict[tuple[str, str], str] = {}
        for user_id, by_device in messages.items():
            if server_of(user_id) != self.server_name:
                log.info("dropped %s to-device message from %s to remote user %s: this "
                         "server does not federate", event_type, sender, user_id)
                continue
            devices = {device.device_id for device in self.accounts.list_devices(user_id)}
            if ALL_DEVICES in by_device:
                content = orjson.dumps(by_device[ALL_DEVICES]).decode()
                deliveries.update({(user_id, device_id): content for device_id in devices})
            for device_id, content in by_device.items():
                if device_id != ALL_DEVICES and device_id in devices:
                    deliveries[(user_id, device_id)] = orjson.dumps(content).decode()
        return deliveries

    def to_device_for_sync(self, user_id: str, device_id: str, since: int,
                           upto: int) -> tuple[list[dict[str, Any]], int]:
        """The device's to-device events in (since, upto], oldest first, and the position
        reached: `upto`, or less when more than SYNC_LIMIT were waiting (the rest come in
        the next /sync, whose `since` should be that position).

        Messages at or before `since` were delivered by the /sync that returned `since`,
        so they are deleted now. Call outside a read snapshot: the deletion is a write.
        """
        if since > 0 and self.store.has_messages_upto(user_id, device_id, since):
            with self.db.transaction():
                self.store.delete_messages_upto(user_id, device_id, since)
        pending = self.store.list_messages(user_id, device_id, since, upto, SYNC_LIMIT + 1)
        reached = upto
        if len(pending) > SYNC_LIMIT:
            pending = pending[:SYNC_LIMIT]
            reached = pending[-1].stream_id
        events = [{"sender": m.sender, "type": m.type, "content": orjson.loads(m.content)}
                  for m in pending]
        return events, reached


def _check_messages(messages: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(messages, dict):
        raise BadJson("'messages' must map user IDs to devices to message contents")
    for user_id, by_device in messages.items():
        server_of(user_id)
        if not isinstance(by_device, dict) or not all(
                isinstance(content, dict) for content in by_device.values()):
            raise BadJson(f"'messages.{user_id}' must map device IDs to content objects")
    return messages
