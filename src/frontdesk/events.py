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


class ContactCreated(BaseModel):
    contact: ContactSummary


class ConversationAssigned(BaseModel):
    conversation: ConversationData
    # The agent it went to; null when it went back to its queue.
    assignee: AgentSummary | None


class ConversationResolved(BaseModel):
    conversation: ConversationData


class RatingSubmitted(BaseModel):
    conversation_id: str
    score: int
    comment: str | None


class AgentScopeChanged(BaseModel):
    agent_id: str


class VisitorSessionEnded(BaseModel):
    contact_id: str


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
    # For durable listeners only (webhooks): what ``conversation.updated`` says among
    # other changes, as the facts integrations subscribe to.
    CONTACT_CREATED = "contact.created"
    CONVERSATION_ASSIGNED = "conversation.assigned"
    CONVERSATION_RESOLVED = "conversation.resolved"
    RATING_SUBMITTED = "rating.submitted"
    # Internal: tell a node's sockets to close and reconnect; never sent to a client.
    AGENT_SCOPE_CHANGED = "agent.scope_changed"
    VISITOR_SESSION_ENDED = "visitor.session_ended"


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
    EventName.CONTACT_CREATED: ContactCreated,
    EventName.CONVERSATION_ASSIGNED: ConversationAssigned,
    EventName.CONVERSATION_RESOLVED: ConversationResolved,
    EventName.RATING_SUBMITTED: RatingSubmitted,
    EventName.AGENT_SCOPE_CHANGED: AgentScopeChanged,
    EventName.VISITOR_SESSION_ENDED: VisitorSessionEnded,
}

# Events a slow socket may lose without harm: they describe a passing state.
DROPPABLE = frozenset({EventName.TYPING_STARTED, EventName.TYPING_STOPPED})

# Facts a customer's integrations may follow (webhooks; later automation, reports and
# bots): written to the outbox in the transaction that made them (outbox/), delivered at
# least once, in order per conversation. The rest describe a passing state (typing,
# presence, queue positions) or are the node's own business.
DURABLE = frozenset(
    {
        EventName.CONVERSATION_CREATED,
        EventName.CONVERSATION_UPDATED,
        EventName.CONVERSATION_ASSIGNED,
        EventName.CONVERSATION_RESOLVED,
        EventName.MESSAGE_CREATED,
        EventName.CONTACT_CREATED,
        EventName.CONTACT_UPDATED,
        EventName.RATING_SUBMITTED,
    }
)
# Never sent to a client: a node's sockets act on them (close with 4009).
INTERNAL = frozenset({EventName.AGENT_SCOPE_CHANGED, EventName.VISITOR_SESSION_ENDED})


@dataclass(frozen=True, slots=True)
class Dumped:
    """An event's data already in its JSON form: the hot path builds the dict directly
    (messages/views.py ``message_json``), which costs a fraction of building the models
    and dumping them. ``model`` names what it is the form of, for the catalog's check."""

    model: type[BaseModel]
    json: dict[str, Any]


@dataclass(frozen=True, eq=False)
class Event:
    """An event and the topics it goes to. Built by actions, published after commit
    (``publisher.emit``). Compared by identity: the publisher checks that each durable
    event it publishes is the one recorded in the outbox."""

    name: EventName
    data: BaseModel | Dumped
    topics: tuple[str, ...]
    conversation_id: str | None = None
    seq: int | None = None
    # Whose conversation it is, for sockets that may see only some (agents of other teams).
    team_id: str | None = None
    assignee_id: str | None = None
    # Whose it is: durable listeners (webhooks) are per workspace.
    workspace_id: str | None = None
    # Whether this copy is the one durable listeners get: of an event sent in two forms
    # (an agent's and a visitor's), only the fuller one is recorded. None: by its name.
    durable: bool | None = None

    def __post_init__(self) -> None:
        if self.durable is None:
            object.__setattr__(self, "durable", self.name in DURABLE)
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
