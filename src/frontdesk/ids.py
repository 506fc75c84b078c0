"""Typed identifiers. Ids are random UUIDs as 32 hex characters: unguessable, and made
by any node without asking the database."""

from __future__ import annotations

import uuid
from typing import NewType

WorkspaceId = NewType("WorkspaceId", str)
WebsiteId = NewType("WebsiteId", str)
AgentId = NewType("AgentId", str)
ContactId = NewType("ContactId", str)
ConversationId = NewType("ConversationId", str)
MessageId = NewType("MessageId", str)
TokenId = NewType("TokenId", str)


def new_id() -> str:
    return uuid.uuid4().hex
