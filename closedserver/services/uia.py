"""User-interactive authentication (UIA), reusable by any endpoint that needs it.

Spec: Client-Server API, "User-Interactive Authentication API". Sessions live in memory
(a restart only asks the client to authenticate again). A session is bound to one
operation and, for authenticated endpoints, to one user; stages completed in it are
remembered, so a password is verified once, not again on each round trip.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from closedserver.errors import BadJson, Forbidden, MatrixError
from closedserver.randomness import random_string

SESSION_LIFETIME_S = 15 * 60

STAGE_PASSWORD = "m.login.password"
STAGE_DUMMY = "m.login.dummy"
STAGE_REGISTRATION_TOKEN = "m.login.registration_token"


class AuthRequired(MatrixError):
    """401 with the UIA body: flows, params, session, completed (+ errcode on a failed try)."""

    status = 401

    def __init__(self, session: UiaSession, flows: list[list[str]],
                 params: dict[str, Any], failure: MatrixError | None = None) -> None:
        super().__init__(failure.message if failure else "Authentication required")
        self.body: dict[str, Any] = {
            "flows": [{"stages": stages} for stages in flows],
            "params": params,
            "session": session.session_id,
        }
        if session.completed:
            self.body["completed"] = list(session.completed)
        if failure is not None:
            self.body["errcode"] = failure.errcode
            self.body["error"] = failure.message

    def to_json(self) -> dict[str, Any]:
        return self.body


@dataclass
class UiaSession:
    session_id: str
    operation: str
    user_id: str | None
    created: float = field(default_factory=time.monotonic)
    completed: list[str] = field(default_factory=list)
    # What the stages established, e.g. {"registration_token": "abc"}.
    results: dict[str, Any] = field(default_factory=dict)


# A stage checker gets (auth dict, session) and raises a MatrixError when the attempt fails.
StageChecker = Callable[[dict[str, Any], UiaSession], Awaitable[None]]


class UserInteractiveAuth:
    def __init__(self) -> None:
        self._sessions: dict[str, UiaSession] = {}
        self._checkers: dict[str, StageChecker] = {STAGE_DUMMY: self._check_dummy}

    def register_stage(self, stage: str, checker: StageChecker) -> None:
        self._checkers[stage] = checker

    async def authenticate(self, auth: Any, *, operation: str, flows: list[list[str]],
                           user_id: str | None = None,
                           params: dict[str, Any] | None = None) -> UiaSession:
        """Run one UIA round; return the session once a whole flow is complete.

        Raises AuthRequired (401) while stages remain, or a plain MatrixError for a request
        that is malformed rather than unauthenticated.
        """
        params = params or {}
        self._expire()
        if auth is None:
            raise AuthRequired(self._new_session(operation, user_id), flows, params)
        if not isinstance(auth, dict):
            raise BadJson("'auth' must be an object")
        session = self._session_for(auth.get("session"), operation, user_id)
        stage = auth.get("type")
        if stage is not None:
            failure = await self._attempt(stage, auth, session, flows)
            if failure is not None:
                raise AuthRequired(session, flows, params, failure)
        # A completed session stays usable until it expires, so a client can retry the
        # operation itself (e.g. after a transient error) as the spec allows.
        if any(_flow_done(stages, session.completed) for stages in flows):
            return session
        raise AuthRequired(session, flows, params)

    async def _attempt(self, stage: Any, auth: dict[str, Any], session: UiaSession,
                       flows: list[list[str]]) -> MatrixError | None:
        offered = {s for stages in flows for s in stages}
        if not isinstance(stage, str) or stage not in offered or stage not in self._checkers:
            return Forbidden(f"Authentication type {stage!r} is not offered here")
        if stage in session.completed:
            return None
        try:
            await self._checkers[stage](auth, session)
        except MatrixError as failure:
            return failure
        session.completed.append(stage)
        return None

    def _session_for(self, session_id: Any, operation: str, user_id: str | None) -> UiaSession:
        if session_id is None:
            return self._new_session(operation, user_id)
        session = self._sessions.get(session_id) if isinstance(session_id, str) else None
        if session is None:
            raise Forbidden("Unknown or expired UIA session: start again without a session")
        if session.operation != operation or session.user_id != user_id:
            raise Forbidden("This UIA session belongs to another request")
        return session

    def _new_session(self, operation: str, user_id: str | None) -> UiaSession:
        session = UiaSession(random_string(24), operation, user_id)
        self._sessions[session.session_id] = session
        return session

    def _expire(self) -> None:
        cutoff = time.monotonic() - SESSION_LIFETIME_S
        for session_id in [s.session_id for s in self._sessions.values() if s.created < cutoff]:
            del self._sessions[session_id]

    async def _check_dummy(self, auth: dict[str, Any], session: UiaSession) -> None:
        return None


def _flow_done(stages: list[str], completed: list[str]) -> bool:
    return all(stage in completed for stage in stages)
