"""Opaque bearer secrets (session cookies, API tokens). They carry 256 bits of
randomness, so the database keeps only a SHA-256 of each: a stolen database does not
log anyone in, and checking costs microseconds, unlike a password hash."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "fd_"  # noqa: S105 - a public prefix that makes leaked tokens greppable, not a secret


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
