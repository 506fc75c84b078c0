"""Visitor tokens: the widget's proof of which contact it is.

A token is the contact's and website's ids and the contact's token version, signed with
the server's secret key (HMAC-SHA256 through itsdangerous) and timestamped. It is
stateless, so any node can check its signature, and a visitor cannot forge one for
another contact. Every use also reads the contact (http/deps.py ``visitor_actor``), which
is where a token is revoked: a blocked contact is refused, and a raised
``token_version`` (the widget's ``reset()``) makes every earlier token worthless.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "frontdesk.visitor"


@dataclass(frozen=True)
class VisitorClaims:
    contact_id: str
    website_id: str
    version: int = 0


class VisitorTokens:
    """``max_age_s``: how long a token lives after it was issued. The widget gets a fresh
    one on every visit, so this is how long a visitor may stay away and still come back
    to their conversations (``FRONTDESK_VISITOR_TOKEN_DAYS``)."""

    def __init__(self, secret_key: str, max_age_s: int = 180 * 24 * 3600) -> None:
        self._max_age_s = max_age_s
        self._serializer = URLSafeTimedSerializer(
            secret_key, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
        )
        # Tokens issued before 0.2 were signed with itsdangerous' default, HMAC-SHA1. They
        # are honoured only to start a session, which answers with a SHA-256 token: a
        # returning visitor keeps their history, and no other call takes the old kind.
        self._legacy = URLSafeTimedSerializer(secret_key, salt=SALT)

    def issue(self, claims: VisitorClaims) -> str:
        return self._serializer.dumps({"c": claims.contact_id, "w": claims.website_id, "v": claims.version})

    def verify(self, token: str, *, legacy: bool = False) -> VisitorClaims | None:
        serializers = (self._serializer, self._legacy) if legacy else (self._serializer,)
        for serializer in serializers:
            try:
                data = serializer.loads(token, max_age=self._max_age_s)
            except BadSignature:
                continue
            return _claims(data)
        return None


def _claims(data: object) -> VisitorClaims | None:
    if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not isinstance(data.get("w"), str):
        return None
    version = data.get("v", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        return None
    return VisitorClaims(contact_id=data["c"], website_id=data["w"], version=version)
