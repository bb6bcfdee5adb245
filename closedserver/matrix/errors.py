"""Exceptions of the pure Matrix model.

These are not HTTP errors: the services layer decides what each one means (a 400 for a
local client, a dropped or rejected PDU for federation).
"""


class MatrixModelError(Exception):
    """Base class of every error raised by `closedserver.matrix`."""


class CanonicalJsonError(MatrixModelError, ValueError):
    """A value cannot be encoded as canonical JSON (a float, an integer out of range,
    a non-string key, a lone surrogate, an unsupported type)."""


class InvalidIdentifierError(MatrixModelError, ValueError):
    """A string does not follow the grammar of the identifier it claims to be."""


class UnsupportedRoomVersionError(MatrixModelError, ValueError):
    """The room version is not one this server implements."""


class EventFormatError(MatrixModelError, ValueError):
    """A PDU or event content does not follow the event format of its room version."""


class EventTooLargeError(EventFormatError):
    """The event, or one of its size-limited fields, is larger than the spec allows."""


class SignatureError(MatrixModelError):
    """A signature is missing, undecodable, or does not verify."""


class AuthError(MatrixModelError):
    """An event fails the authorization rules. The message names the failed rule."""
