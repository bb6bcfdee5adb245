"""Errors only the E2EE services raise (spec: end-to-end encryption module, key backup)."""

from __future__ import annotations

from closedserver.errors import MatrixError


class InvalidSignature(MatrixError):
    """400: a signature does not verify, or a signed object is not the stored key."""

    errcode = "M_INVALID_SIGNATURE"
    status = 400


class WrongRoomKeysVersion(MatrixError):
    """403: keys may only be written to the current backup; says which that is."""

    errcode = "M_WRONG_ROOM_KEYS_VERSION"
    status = 403

    def __init__(self, current_version: str) -> None:
        super().__init__("Wrong backup version.", current_version=current_version)
