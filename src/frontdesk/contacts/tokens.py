"""Visitor tokens: the widget's proof of which contact it is.

A token is the contact's and website's ids signed with the server's secret key
(HMAC-SHA256 through itsdangerous). It is stateless, so any node can check it, and a
visitor cannot forge one for another contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

# A returning visitor keeps their history for this long after their last visit (the
# widget gets a fresh token on each visit); after it they start anew.
TOKEN_MAX_AGE_S = 365 * 24 * 3600


@dataclass(frozen=True)
class VisitorClaims:
    contact_id: str
    website_id: str


class VisitorTokens:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="frontdesk.visitor")

    def issue(self, claims: VisitorClaims) -> str:
        return self._serializer.dumps({"c": claims.contact_id, "w": claims.website_id})

    def verify(self, token: str) -> VisitorClaims | None:
        try:
            data = self._serializer.loads(token, max_age=TOKEN_MAX_AGE_S)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str) or not isinstance(data.get("w"), str):
            return None
        return VisitorClaims(contact_id=data["c"], website_id=data["w"])
