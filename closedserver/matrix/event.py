"""The `Event` type: a cheap, read-only view over a PDU dict of a known room version,
and `event_from_pdu`, the validating door for PDUs received from elsewhere.

`Event(pdu, room_version, event_id)` trusts its input (events built here or loaded from
our own storage). `event_from_pdu` checks the event format and size limits, computes the
event ID (and, for a v12 create event, the room ID) and is what federation uses.
Signatures and content hashes are checked separately (event_signing.py), as the spec
orders those checks differently (a bad hash redacts, a bad signature drops).
"""

import hashlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import orjson

from closedserver.matrix.canonical_json import check_canonical_json, encode_checked
from closedserver.matrix.errors import CanonicalJsonError, EventFormatError
from closedserver.matrix.event_format import check_size_limits, validate_pdu_structure
from closedserver.matrix.hashing import event_id_from_reference_hash, reference_hash_input
from closedserver.matrix.ids import room_id_from_create_event_id
from closedserver.matrix.redaction import redact_pdu
from closedserver.matrix.room_versions import RoomVersion

StateKey = tuple[str, str]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Event:
    """A PDU of a given room version. Do not mutate the dict it was built from."""

    __slots__ = (
        "_auth_event_ids",
        "_content",
        "_event_id",
        "_json",
        "_pdu",
        "_prev_event_ids",
        "_rejected_reason",
        "_room_id",
        "_room_version",
    )

    def __init__(
        self,
        pdu: dict[str, Any],
        room_version: RoomVersion,
        event_id: str,
        *,
        rejected_reason: str | None = None,
        canonical_json: bytes | None = None,
    ) -> None:
        self._pdu = pdu
        self._room_version = room_version
        self._event_id = event_id
        self._rejected_reason = rejected_reason
        self._json = canonical_json
        self._content: Mapping[str, Any] = MappingProxyType(pdu["content"])
        self._prev_event_ids = tuple(pdu["prev_events"])
        self._auth_event_ids = tuple(pdu["auth_events"])
        if room_version.room_id_is_create_event_hash and _is_create(pdu):
            self._room_id = room_id_from_create_event_id(event_id)
        else:
            self._room_id = pdu["room_id"]

    # -- identity ---------------------------------------------------------------
    @property
    def event_id(self) -> str:
        return self._event_id

    @property
    def room_id(self) -> str:
        return self._room_id

    @property
    def room_version(self) -> RoomVersion:
        return self._room_version

    @property
    def rejected_reason(self) -> str | None:
        """Why this event was rejected by the auth rules, or None. Not part of the PDU:
        storage keeps it; state resolution and auth checks read it."""
        return self._rejected_reason

    def with_rejected_reason(self, reason: str | None) -> "Event":
        return Event(
            self._pdu, self._room_version, self._event_id,
            rejected_reason=reason, canonical_json=self._json,
        )  # fmt: skip

    # -- PDU fields -------------------------------------------------------------
    @property
    def type(self) -> str:
        return self._pdu["type"]

    @property
    def state_key(self) -> str | None:
        """The state key, or None for a message (non-state) event."""
        return self._pdu.get("state_key")

    def is_state(self) -> bool:
        return "state_key" in self._pdu

    @property
    def state_map_key(self) -> StateKey:
        """(type, state_key) of a state event. Raises ValueError for a message event."""
        state_key = self._pdu.get("state_key")
        if state_key is None:
            raise ValueError(f"{self._event_id} is not a state event")
        return (self._pdu["type"], state_key)

    @property
    def sender(self) -> str:
        return self._pdu["sender"]

    @property
    def content(self) -> Mapping[str, Any]:
        """The content, read-only at the top level (nested values must not be mutated)."""
        return self._content

    @property
    def membership(self) -> str | None:
        """`content.membership` of an m.room.member event (None if absent or not a string)."""
        membership = self._content.get("membership")
        return membership if isinstance(membership, str) else None

    @property
    def prev_event_ids(self) -> tuple[str, ...]:
        return self._prev_event_ids

    @property
    def auth_event_ids(self) -> tuple[str, ...]:
        return self._auth_event_ids

    @property
    def depth(self) -> int:
        return self._pdu["depth"]

    @property
    def origin_server_ts(self) -> int:
        return self._pdu["origin_server_ts"]

    @property
    def hashes(self) -> Mapping[str, Any]:
        return MappingProxyType(self._pdu["hashes"])

    @property
    def signatures(self) -> Mapping[str, Any]:
        return MappingProxyType(self._pdu["signatures"])

    @property
    def unsigned(self) -> Mapping[str, Any]:
        unsigned = self._pdu.get("unsigned")
        return MappingProxyType(unsigned) if isinstance(unsigned, dict) else _EMPTY

    @property
    def redacts(self) -> str | None:
        """The event an m.room.redaction redacts: top-level in v10, in content from v11."""
        if self._pdu["type"] != "m.room.redaction":
            return None
        source = self._content if self._room_version.redacts_in_content else self._pdu
        redacts = source.get("redacts")
        return redacts if isinstance(redacts, str) else None

    def get_pdu_field(self, key: str, default: Any = None) -> Any:
        """A raw top-level PDU field (for fields without a property). Do not mutate."""
        return self._pdu.get(key, default)

    # -- serialisation ----------------------------------------------------------
    @property
    def canonical_json(self) -> bytes:
        """The whole PDU as canonical JSON (cached): what federation sends and stores."""
        if self._json is None:
            self._json = encode_checked(self._pdu)
        return self._json

    def get_pdu_json(self) -> dict[str, Any]:
        """A fresh deep copy of the PDU (federation format), safe to modify."""
        return orjson.loads(self.canonical_json)

    def redacted(self) -> "Event":
        """This event after the redaction algorithm of its room version."""
        pdu = redact_pdu(self._room_version, self._pdu)
        return Event(pdu, self._room_version, self._event_id, rejected_reason=self._rejected_reason)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Event) and other._event_id == self._event_id

    def __hash__(self) -> int:
        return hash(self._event_id)

    def __repr__(self) -> str:
        state = f" state_key={self.state_key!r}" if self.is_state() else ""
        return f"<Event {self._event_id} {self.type}{state} sender={self.sender}>"


def _is_create(pdu: Mapping[str, Any]) -> bool:
    return pdu["type"] == "m.room.create" and pdu.get("state_key") == ""


def event_from_pdu(
    pdu: dict[str, Any], room_version: RoomVersion, *, rejected_reason: str | None = None
) -> Event:
    """Validate a PDU received from elsewhere and wrap it, computing its event ID.

    Raises EventFormatError (or its subclass EventTooLargeError) naming what is wrong.
    The Event takes ownership of `pdu`: do not modify it afterwards.
    """
    validate_pdu_structure(room_version, pdu)
    try:
        check_canonical_json(pdu)
        pdu_json = encode_checked(pdu)
        reference_json = encode_checked(reference_hash_input(room_version, pdu))
    except CanonicalJsonError as exc:
        raise EventFormatError(f"not canonical JSON: {exc}") from exc
    event_id = event_id_from_reference_hash(hashlib.sha256(reference_json).digest())
    check_size_limits(pdu, event_id, pdu_json)
    return Event(
        pdu, room_version, event_id, rejected_reason=rejected_reason, canonical_json=pdu_json
    )

