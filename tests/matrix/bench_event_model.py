"""Microbenchmark of the per-message hot path of the pure event model: build (hash,
sign, event ID) + authorise, and receive (validate, event ID). Not a test; run:

    .venv/bin/python -m tests.matrix.bench_event_model

The machine is shared, so rates move; each line is the best of 5 runs.
"""

import time
from collections.abc import Callable
from typing import Any

import canonicaljson

from closedserver.matrix.auth_rules import check_auth_rules, select_auth_event_ids
from closedserver.matrix.builder import build_event
from closedserver.matrix.canonical_json import encode_canonical_json
from closedserver.matrix.event import Event, event_from_pdu
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from closedserver.matrix.signing import SigningKey
from tests.matrix.factories import RoomBuilder, standard_room

SERVER = "example.org"
SENDER = "@alice:example.org"
CONTENT = {"msgtype": "m.text", "body": "Hello, this is a message of an ordinary length."}
KEY = SigningKey.generate()


def measure(name: str, run: Callable[[], object], rounds: int = 5, batch: int = 2000) -> None:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(batch):
            run()
        best = min(best, (time.perf_counter() - start) / batch)
    print(f"{name:<44} {1 / best:>9,.0f}/s {best * 1e6:8.1f} us")


def build_message(room_version: RoomVersion, room: RoomBuilder, auth_ids: list[str]) -> Event:
    assert room.last_event is not None
    return build_event(
        room_version, server_name=SERVER, signing_key=KEY, sender=SENDER,
        event_type="m.room.message", content=CONTENT, room_id=room.room_id,
        prev_event_ids=[room.last_event.event_id], auth_event_ids=auth_ids,
        depth=10, origin_server_ts=1_700_000_000_000,
    )  # fmt: skip


def bench_room_version(room_version: RoomVersion) -> dict[str, Any]:
    room = standard_room(room_version)
    auth_ids = select_auth_event_ids(
        room_version, "m.room.message", None, SENDER, CONTENT, room.state_ids()
    )
    event = build_message(room_version, room, auth_ids)
    pdu = event.get_pdu_json()

    def build_and_authorise() -> None:
        built = build_message(room_version, room, auth_ids)
        check_auth_rules(room_version, built, room.state, room.create_event)

    print(f"room version {room_version}")
    measure("  build_event", lambda: build_message(room_version, room, auth_ids))
    measure("  check_auth_rules (a message)", lambda: check_auth_rules(
        room_version, event, room.state, room.create_event))  # fmt: skip
    measure("  build_event + check_auth_rules", build_and_authorise)
    measure("  event_from_pdu (a received PDU)", lambda: event_from_pdu(dict(pdu), room_version))
    return pdu


def main() -> None:
    for version in ("10", "11", "12"):
        pdu = bench_room_version(KNOWN_ROOM_VERSIONS[version])
    print("canonical JSON of a message PDU")
    measure("  closedserver (checks + orjson)", lambda: encode_canonical_json(pdu))
    measure("  canonicaljson package", lambda: canonicaljson.encode_canonical_json(pdu))
    measure("  ed25519 signature (for scale)", lambda: KEY.sign(b"x" * 600))


if __name__ == "__main__":
    main()
