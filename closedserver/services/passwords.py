"""Password hashing with argon2id, always off the event loop (it takes tens of ms), on two
threads of its own: at most two hashes' memory (19 MiB each by default) at once, and the
event loop's default threads stay free for other work."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

from closedserver.config import PasswordsSection
from closedserver.errors import MatrixError


class WeakPassword(MatrixError):
    """400: the password is too short (spec's M_WEAK_PASSWORD)."""

    errcode = "M_WEAK_PASSWORD"
    status = 400


HASHING_THREADS = 2


class Passwords:
    def __init__(self, config: PasswordsSection) -> None:
        self._threads = ThreadPoolExecutor(HASHING_THREADS, thread_name_prefix="argon2")
        self.minimum_length = config.minimum_length
        self._hasher = argon2.PasswordHasher(
            time_cost=config.argon2_time_cost, memory_cost=config.argon2_memory_kib,
            parallelism=config.argon2_parallelism, type=argon2.Type.ID)
        # Verified against when the user does not exist, so that a login for an unknown
        # user takes as long as one with a wrong password. Made on first use.
        self._dummy_hash: str | None = None

    def check_strength(self, password: str) -> None:
        if len(password) < self.minimum_length:
            raise WeakPassword(f"Password too short: use at least {self.minimum_length} "
                               "characters")

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """True when `password` matches; a missing hash is checked against a dummy."""
        return await asyncio.get_running_loop().run_in_executor(
            self._threads, self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        if password_hash is None and self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("closedserver-dummy-password")
        try:
            self._hasher.verify(password_hash or self._dummy_hash or "", password)
        except (VerificationError, InvalidHashError):
            return False
        return password_hash is not None
