"""The event catalog: every event the system publishes, its name and its payload type.

One closed list serves the socket gateway, later webhooks and automation, and the
TypeScript clients (``scripts/gen_ts_types.py`` writes ``frontend/shared/events.gen.ts``
from this module). Add an event here first; nothing publishes an event not listed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import BaseModel


class Author(BaseModel):
    type: Literal["visitor", "agent", "system", "bot"]
    id: str | None
    name: str


class AttachmentData(BaseModel):
    id: str
    name: str
    content_type: str
    size: int
    url: str
    image: bool


class MessageData(BaseModel):
    id: str
    conversation_id: str
    seq: int
    author: Author
    body: str
    private: bool
    client_ref: str | None
    created_at: str
    system: dict[str, Any] | None
    attachments: list[AttachmentData] = []


class ContactSummary(BaseModel):
    id: str
    name: str
    email: str | None


class AgentSummary(BaseModel):
    id: str
    name: str


class ConversationData(BaseModel):
    id: str
    website_id: str
    status: Literal["open", "pending", "resolved"]
    assignee: AgentSummary | None
    contact: ContactSummary
    last_seq: int
    last_message: MessageData | None
    agent_last_read_seq: int
    contact_last_read_seq: int
    created_at: str
    last_activity_at: str
    team_id: str | None = None
    out_of_hours: bool | None = None
    # When it started waiting in its team's queue; null once an agent has it.
    queued_at: str | None = None
    rating: int | None = None
    priority: str | None = None
    labels: list[str] | None = None
    # While snoozed (status pending): when it opens again by itself.
    snoozed_until: str | None = None


class ConversationCreated(BaseModel):
    conversation: ConversationData


class ConversationUpdated(BaseModel):
    conversation: ConversationData
    changed: list[str]


class MessageCreated(BaseModel):
    message: MessageData


class ConversationRead(BaseModel):
    conversation_id: str
    reader: Literal["visitor", "agent"]
    seq: int


class Typing(BaseModel):
    conversation_id: str
    author: Author


class ContactUpdated(BaseModel):
    contact: ContactSummary


class WebsiteData(BaseModel):
    id: str
    name: str
    settings: dict[str, Any]


class WebsiteUpdated(BaseModel):
    website: WebsiteData


class AvailabilityChanged(BaseModel):
    agents_online: bool


class PageViewData(BaseModel):
    url: str
    title: str
    referrer: str
    created_at: str


class PageViewed(BaseModel):
    contact_id: str
    page_view: PageViewData


class QueueUpdated(BaseModel):
    conversation_id: str
    position: int
    estimated_wait_seconds: int


class AgentStatusChanged(BaseModel):
    agent: AgentSummary
    status: Literal["online", "away", "offline"]


class MentionCreated(BaseModel):
    conversation_id: str
    message: MessageData
    by: AgentSummary


class EventName(enum.StrEnum):
    CONVERSATION_CREATED = "conversation.created"
    CONVERSATION_UPDATED = "conversation.updated"
    MESSAGE_CREATED = "message.created"
    CONVERSATION_READ = "conversation.read"
    TYPING_STARTED = "typing.started"
    TYPING_STOPPED = "typing.stopped"
    CONTACT_UPDATED = "contact.updated"
    CONTACT_PAGE_VIEWED = "contact.page_viewed"
    WEBSITE_UPDATED = "website.updated"
    AVAILABILITY_CHANGED = "availability.changed"
    QUEUE_UPDATED = "queue.updated"
    AGENT_STATUS_CHANGED = "agent.status_changed"
    MENTION_CREATED = "mention.created"


CATALOG: dict[EventName, type[BaseModel]] = {
    EventName.CONVERSATION_CREATED: ConversationCreated,
    EventName.CONVERSATION_UPDATED: ConversationUpdated,
    EventName.MESSAGE_CREATED: MessageCreated,
    EventName.CONVERSATION_READ: ConversationRead,
    EventName.TYPING_STARTED: Typing,
    EventName.TYPING_STOPPED: Typing,
    EventName.CONTACT_UPDATED: ContactUpdated,
    EventName.CONTACT_PAGE_VIEWED: PageViewed,
    EventName.WEBSITE_UPDATED: WebsiteUpdated,
    EventName.AVAILABILITY_CHANGED: AvailabilityChanged,
    EventName.QUEUE_UPDATED: QueueUpdated,
    EventName.AGENT_STATUS_CHANGED: AgentStatusChanged,
    EventName.MENTION_CREATED: MentionCreated,
}

# Events a slow socket may lose without harm: they describe a passing state.
DROPPABLE = frozenset({EventName.TYPING_STARTED, EventName.TYPING_STOPPED})


@dataclass(frozen=True, slots=True)
class Dumped:
    """An event's data already in its JSON form: the hot path builds the dict directly
    (messages/views.py ``message_json``), which costs a fraction of building the models
    and dumping them. ``model`` names what it is the form of, for the catalog's check."""

    model: type[BaseModel]
    json: dict[str, Any]


@dataclass(frozen=True)
class Event:
    """An event and the topics it goes to. Built by actions, published after commit."""

    name: EventName
    data: BaseModel | Dumped
    topics: tuple[str, ...]
    conversation_id: str | None = None
    seq: int | None = None
    # Whose conversation it is, for sockets that may see only some (agents of other teams).
    team_id: str | None = None
    assignee_id: str | None = None

    def __post_init__(self) -> None:
        expected = CATALOG[self.name]
        kind = self.data.model if isinstance(self.data, Dumped) else type(self.data)
        if not issubclass(kind, expected):
            raise TypeError(f"{self.name} carries {expected.__name__}, got {kind.__name__}")

    def frame(self) -> bytes:
        """The socket frame for this event, encoded once for every recipient."""
        data = self.data.json if isinstance(self.data, Dumped) else self.data.model_dump(mode="json")
        body: dict[str, Any] = {"type": "event", "event": self.name.value, "data": data}
        if self.conversation_id is not None:
            body["conversation_id"] = self.conversation_id
        if self.seq is not None:
            body["seq"] = self.seq
        return orjson.dumps(body)
