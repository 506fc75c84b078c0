"""Typed identifiers. Ids are UUIDs as 32 hex characters: unguessable, and made by any
node without asking the database. Most are random (version 4); messages' are ordered by
time (version 7), see ``new_sortable_id``."""

from __future__ import annotations

import os
import time
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


def new_sortable_id() -> str:
    """A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.
    For the rows written fastest (messages): a random key lands on a random page of the
    primary key's index, so every insert dirties one more page for the commit to write
    and the checkpoint to copy; a time-ordered key appends. Measured: +10% messages
    stored per second on SQLite (docs/benchmarks.md). Still unguessable; it tells when
    the row was made, which a message's ``created_at`` says anyway."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC's variant
    return f"{value:032x}"
