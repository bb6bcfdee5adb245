"""Tables of authorization cases, each case run for room versions 10, 11 and 12.

A case is a function that builds a room and returns (room, event to check). It is
registered with the v10/v11 number of the rule that decides it and the expected outcome
(one bool, or one per version). A denied event must fail on that very rule (in v12's
numbering for v12), both against the room's current state and against its auth events.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pytest

from closedserver.matrix.auth_rules import check_auth_rules, check_event_auth
from closedserver.matrix.auth_rules.failure import rule_number
from closedserver.matrix.errors import AuthError
from closedserver.matrix.event import Event
from closedserver.matrix.room_versions import KNOWN_ROOM_VERSIONS, RoomVersion
from tests.matrix.factories import RoomBuilder

ALL_VERSIONS = ("10", "11", "12")

Case = tuple[RoomBuilder, Event]
CaseMaker = Callable[[RoomVersion], Case]


@dataclass(frozen=True)
class AuthCase:
    rule: str | Mapping[str, str]  # one rule, or one per version
    make: CaseMaker
    allowed: bool | Mapping[str, bool]
    versions: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.make.__name__

    def expected(self, version: str) -> bool:
        if isinstance(self.allowed, bool):
            return self.allowed
        return self.allowed[version]

    def deciding_rule(self, room_version: RoomVersion) -> str:
        rule = self.rule if isinstance(self.rule, str) else self.rule[room_version.identifier]
        return rule_number(room_version, rule)


@dataclass
class CaseTable:
    cases: list[AuthCase] = field(default_factory=list)

    def add(
        self,
        rule: str | Mapping[str, str],
        allowed: bool | Mapping[str, bool] = True,
        versions: tuple[str, ...] = ALL_VERSIONS,
    ) -> Callable[[CaseMaker], CaseMaker]:
        def register(make: CaseMaker) -> CaseMaker:
            self.cases.append(AuthCase(rule, make, allowed, versions))
            return make

        return register

    def parameters(self) -> list[object]:
        return [
            pytest.param(auth_case, KNOWN_ROOM_VERSIONS[v], id=f"{auth_case.name}-v{v}")
            for auth_case in self.cases
            for v in auth_case.versions
        ]


def run_case(auth_case: AuthCase, room_version: RoomVersion) -> None:
    room, event = auth_case.make(room_version)
    auth_events = [room.events[event_id] for event_id in event.auth_event_ids]
    checks = {
        "current state": lambda: check_auth_rules(
            room_version, event, room.state, room.create_event
        ),
        "auth events": lambda: check_event_auth(
            room_version, event, auth_events, room.create_event
        ),
    }
    for against, check in checks.items():
        if auth_case.expected(room_version.identifier):
            check()
            continue
        with pytest.raises(AuthError) as failure:
            check()
        expected_rule = f"auth rule {auth_case.deciding_rule(room_version)} "
        assert expected_rule in str(failure.value), f"against {against}: {failure.value}"
