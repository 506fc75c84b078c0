"""Standard Webhooks signatures (https://www.standardwebhooks.com/): the secret's form,
and the ``webhook-signature`` header, one ``v1,`` entry per secret in force."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

PREFIX = "whsec_"
# The specification asks for 24 to 64 random bytes; 32 is what HMAC-SHA256 can use in full.
SECRET_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(os.urandom(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` entry."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode()


def signature_header(secrets: Iterable[str], message_id: str, timestamp: int, body: str) -> str:
    """Every secret's signature, space-separated: a receiver holding any of them verifies."""
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)
