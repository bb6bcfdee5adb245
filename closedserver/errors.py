"""Matrix errors: one exception type carrying `errcode`, message and HTTP status.

Each errcode's status is decided once, on its class (spec: Client-Server API, "API Standards",
common and other error codes). The HTTP layer renders any MatrixError as
`{"errcode": ..., "error": ..., **extra}`; storage/ and matrix/ never raise these.
"""

from __future__ import annotations

from typing import Any


class MatrixError(Exception):
    """An error the client sees as `{"errcode", "error"}` with an HTTP status."""

    errcode = "M_UNKNOWN"
    status = 400

    def __init__(self, message: str = "", *, status: int | None = None, **extra: Any) -> None:
        super().__init__(message or self.errcode)
        self.message = message or self.errcode
        if status is not None:
            self.status = status
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"errcode": self.errcode, "error": self.message, **self.extra}


class Forbidden(MatrixError):
    """403: the request is not permitted (auth rules, permissions, disabled feature)."""

    errcode = "M_FORBIDDEN"
    status = 403


class NotFound(MatrixError):
    """404: no such resource (room, event, user, alias...)."""

    errcode = "M_NOT_FOUND"
    status = 404


class Unrecognized(MatrixError):
    """404/405: the server does not know this endpoint or method."""

    errcode = "M_UNRECOGNIZED"
    status = 404


class NotJson(MatrixError):
    """400: the request body is not valid JSON."""

    errcode = "M_NOT_JSON"
    status = 400


class BadJson(MatrixError):
    """400: the JSON is valid but malformed for this endpoint."""

    errcode = "M_BAD_JSON"
    status = 400


class MissingParam(MatrixError):
    """400: a required parameter was not supplied."""

    errcode = "M_MISSING_PARAM"
    status = 400


class InvalidParam(MatrixError):
    """400: a parameter has a bad value."""

    errcode = "M_INVALID_PARAM"
    status = 400


class MissingToken(MatrixError):
    """401: no access token was supplied."""

    errcode = "M_MISSING_TOKEN"
    status = 401


class UnknownToken(MatrixError):
    """401: the access token is unknown or expired (`soft_logout` says which)."""

    errcode = "M_UNKNOWN_TOKEN"
    status = 401

    def __init__(self, message: str = "Unknown or expired access token", *,
                 soft_logout: bool = False) -> None:
        super().__init__(message, soft_logout=soft_logout)


class UserLocked(MatrixError):
    """401: the account is locked by an admin (spec: account locking)."""

    errcode = "M_USER_LOCKED"
    status = 401

    def __init__(self, message: str = "This account has been locked") -> None:
        super().__init__(message, soft_logout=True)


class UserSuspended(MatrixError):
    """403: the account is suspended and may not do this."""

    errcode = "M_USER_SUSPENDED"
    status = 403


class UserDeactivated(MatrixError):
    """403: the account has been deactivated."""

    errcode = "M_USER_DEACTIVATED"
    status = 403


class Unauthorized(MatrixError):
    """401: the request was not correctly authorised (e.g. wrong password in UIA)."""

    errcode = "M_UNAUTHORIZED"
    status = 401


class LimitExceeded(MatrixError):
    """429: too many requests; `retry_after_ms` says when to try again."""

    errcode = "M_LIMIT_EXCEEDED"
    status = 429

    def __init__(self, retry_after_ms: int, message: str = "Too many requests") -> None:
        super().__init__(message, retry_after_ms=retry_after_ms)
        self.retry_after_ms = retry_after_ms


class UserInUse(MatrixError):
    """400: the desired user ID is already taken."""

    errcode = "M_USER_IN_USE"
    status = 400


class InvalidUsername(MatrixError):
    """400: the desired user ID is not valid."""

    errcode = "M_INVALID_USERNAME"
    status = 400


class TooLarge(MatrixError):
    """413: the request or event is too large."""

    errcode = "M_TOO_LARGE"
    status = 413


class UnsupportedRoomVersion(MatrixError):
    """400: the requested room version is not supported."""

    errcode = "M_UNSUPPORTED_ROOM_VERSION"
    status = 400


class RoomInUse(MatrixError):
    """400: the room alias is already in use."""

    errcode = "M_ROOM_IN_USE"
    status = 400


class InvalidRoomState(MatrixError):
    """400: the initial state of a room is invalid."""

    errcode = "M_INVALID_ROOM_STATE"
    status = 400


class BadState(MatrixError):
    """400: the state change requested cannot be performed."""

    errcode = "M_BAD_STATE"
    status = 400


class ServerError(MatrixError):
    """500: an unexpected failure; details go to the log only."""

    errcode = "M_UNKNOWN"
    status = 500

    def __init__(self, message: str = "Internal server error") -> None:
        super().__init__(message)


class NotYetUploaded(MatrixError):
    """504: media exists but its content has not been uploaded yet."""

    errcode = "M_NOT_YET_UPLOADED"
    status = 504


class CannotOverwriteMedia(MatrixError):
    """409: content for this media ID was already uploaded."""

    errcode = "M_CANNOT_OVERWRITE_MEDIA"
    status = 409


class CannotLeaveServerNoticeRoom(MatrixError):
    """403: the server notices room cannot be rejected or left (spec: "Server Notices")."""

    errcode = "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM"
    status = 403
