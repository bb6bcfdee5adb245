"""The body of `POST /_matrix/push/v1/notify` (Push Gateway API, push_notifier.yaml).

With the pusher's `data.format` = `event_id_only`, only `event_id`, `room_id`, `counts`,
`prio` and `devices` are sent; otherwise every event-related field, content included.
`devices[].data` is the pusher's data without `url`; counts equal to zero are omitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from closedserver.matrix.event import Event
from closedserver.matrix.push import Action, tweaks
from closedserver.storage.pushers import PusherRow

EVENT_ID_ONLY = "event_id_only"


@dataclass(frozen=True)
class RoomNames:
    """What the gateway may show about the room and the sender."""

    sender_display_name: str | None = None
    room_name: str | None = None
    room_alias: str | None = None


def notify_body(pusher: PusherRow, event: Event, actions: Sequence[Action], unread: int,
                names: RoomNames) -> dict[str, Any]:
    data = orjson.loads(pusher.data)
    data.pop("url", None)
    event_tweaks = tweaks(actions)
    device = {"app_id": pusher.app_id, "pushkey": pusher.pushkey,
              "pushkey_ts": pusher.pushkey_ts // 1000, "data": data, "tweaks": event_tweaks}
    notification: dict[str, Any] = {
        "event_id": event.event_id, "room_id": event.room_id,
        "counts": {"unread": unread} if unread else {},
        "prio": _priority(event, event_tweaks), "devices": [device],
    }
    if data.get("format") != EVENT_ID_ONLY:
        notification.update(_event_fields(pusher.user_id, event, names))
    return {"notification": notification}


def _priority(event: Event, event_tweaks: dict[str, Any]) -> str:
    """`high` for what should alert at once (a sound, a highlight, or an encrypted event
    the server cannot judge); `low` lets gateways save the device's battery."""
    if event.type == "m.room.encrypted" or event_tweaks.get("highlight") \
            or event_tweaks.get("sound"):
        return "high"
    return "low"


def _event_fields(user_id: str, event: Event, names: RoomNames) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": event.type, "sender": event.sender,
                              "content": event.get_pdu_field("content")}
    if event.type == "m.room.member":
        fields["user_is_target"] = event.state_key == user_id
    if names.sender_display_name:
        fields["sender_display_name"] = names.sender_display_name
    if names.room_name:
        fields["room_name"] = names.room_name
    if names.room_alias:
        fields["room_alias"] = names.room_alias
    return fields
