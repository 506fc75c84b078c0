"""What a webhook says: which catalog events an endpoint may ask for, and the body of
each request, ``{"type", "timestamp", "data"}`` as Standard Webhooks recommends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel

from frontdesk.clock import isoformat
from frontdesk.events import CATALOG, EventName

# Events about a workspace's customers and their chats, which its own systems (a CRM, a
# helpdesk, a data warehouse) want: the catalog's durable events. Not the console's
# passing states (typing, reads, presence, queue positions) nor its internals.
DESCRIPTIONS = {
    "conversation.created": "A visitor (or an agent) started a conversation.",
    "conversation.updated": "A conversation's status, assignee, team, priority, labels or snooze changed.",
    "conversation.assigned": "A conversation was given to an agent, or taken back to the queue.",
    "conversation.resolved": "A conversation was resolved.",
    "message.created": "A message was written: by the visitor, an agent (private notes too), a bot or the system.",
    "contact.created": "A new visitor became a contact.",
    "contact.updated": "A contact's name, email, phone or attributes changed.",
    "rating.submitted": "A visitor rated a conversation.",
}
# The catalog's durable events (events.DURABLE; a test holds them equal), in the order
# the console lists them.
SUBSCRIBABLE: dict[str, type[BaseModel]] = {name: CATALOG[EventName(name)] for name in DESCRIPTIONS}

TEST_EVENT = "webhook.test"


class WebhookTest(BaseModel):
    """The ping of "send test event": sent whatever the endpoint's events are."""

    endpoint_id: str
    message: str


def body(event_type: str, timestamp: datetime, data: dict[str, Any]) -> str:
    """The exact text sent, built once per delivery: every attempt signs the same bytes."""
    return orjson.dumps({"type": event_type, "timestamp": isoformat(timestamp), "data": data}).decode()
