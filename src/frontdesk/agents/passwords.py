"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's second
recommendation: 64 MiB, 3 passes). Hashing blocks for ~50 ms, so callers on the event
loop use the async helpers, which run it in a thread of a small pool of its own."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# At most this many hashes at once; the rest wait their turn. Each costs 64 MiB and a
# core for ~50 ms: a burst of logins or sign-ups must not take every core and a few
# hundred MB (an invitation flood once ran 8 at a time), and two keep a login quick
# while another runs. Rate limits (ratelimits/rules.py) bound how long the queue gets.
MAX_PARALLEL_HASHES = 2
_pool = ThreadPoolExecutor(max_workers=MAX_PARALLEL_HASHES, thread_name_prefix="argon2")

# A real hash of a random password: verifying against it when the email is unknown
# takes as long as a real check, so response times do not reveal which emails exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

T = TypeVar("T")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


async def _in_pool(work: Callable[[], T]) -> T:
    return await asyncio.get_running_loop().run_in_executor(_pool, work)


async def hash_password(password: str) -> str:
    return await _in_pool(lambda: _hasher.hash(password))


async def verify_password(password_hash: str | None, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await _in_pool(check)
