"""Events about conversations, each with its audience: agents of the workspace always,
the visitor only for what they may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frontdesk.agents.models import Agent
from frontdesk.contacts.models import Contact
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.views import conversation_data
from frontdesk.events import (
    ConversationAssigned,
    ConversationCreated,
    ConversationResolved,
    ConversationUpdated,
    Dumped,
    Event,
    EventName,
    MessageCreated,
    RatingSubmitted,
)
from frontdesk.messages.models import Message, StoredMessage
from frontdesk.messages.views import message_data
from frontdesk.topics import visitor, workspace_agents


@dataclass(frozen=True, slots=True)
class ChatRef:
    """The columns of a conversation that route its message events, as the quick path
    read them (a loaded ``Conversation`` serves as well)."""

    contact_id: str
    team_id: str | None
    assignee_id: str | None


def message_created(
    message: StoredMessage, conversation: Conversation | ChatRef, data: dict[str, Any] | None = None
) -> Event:
    """``data``: the message's JSON form (``message_json``) when the caller has it already."""
    topics: tuple[str, ...] = (workspace_agents(message.workspace_id),)
    if not message.private:
        topics += (visitor(conversation.contact_id),)
    return Event(
        EventName.MESSAGE_CREATED,
        Dumped(MessageCreated, {"message": data})
        if data is not None
        else MessageCreated.model_construct(message=message_data(message)),
        topics,
        conversation_id=message.conversation_id,
        seq=message.seq,
        team_id=conversation.team_id,
        assignee_id=conversation.assignee_id,
        workspace_id=message.workspace_id,
    )


def message_frame(message: Message) -> bytes:
    """The socket frame of a stored message (replays and gap fills)."""
    data = MessageCreated(message=message_data(message))
    event = Event(
        EventName.MESSAGE_CREATED, data, (), conversation_id=message.conversation_id, seq=message.seq, durable=False
    )
    return event.frame()


def conversation_created(
    conversation: Conversation, contact: Contact, assignee: Agent | None, last: Message | None
) -> Event:
    data = ConversationCreated(conversation=conversation_data(conversation, contact, assignee, last))
    return Event(
        EventName.CONVERSATION_CREATED,
        data,
        (workspace_agents(conversation.workspace_id),),
        conversation_id=conversation.id,
        team_id=conversation.team_id,
        assignee_id=conversation.assignee_id,
        workspace_id=conversation.workspace_id,
    )


def conversation_updated(
    conversation: Conversation,
    contact: Contact,
    assignee: Agent | None,
    last: Message | None,
    changed: list[str],
    labels: list[str] | None = None,
) -> list[Event]:
    data = conversation_data(conversation, contact, assignee, last, labels)
    for_visitor = ConversationUpdated(
        conversation=conversation_data(conversation, contact, assignee, None), changed=changed
    )
    events = [
        Event(
            EventName.CONVERSATION_UPDATED,
            ConversationUpdated(conversation=data, changed=changed),
            (workspace_agents(conversation.workspace_id),),
            team_id=conversation.team_id,
            assignee_id=conversation.assignee_id,
            conversation_id=conversation.id,
            workspace_id=conversation.workspace_id,
        ),
        Event(
            EventName.CONVERSATION_UPDATED,
            for_visitor,
            (visitor(contact.id),),
            durable=False,
            conversation_id=conversation.id,
            workspace_id=conversation.workspace_id,
        ),
    ]
    # The facts integrations subscribe to, for durable listeners only (no socket needs
    # them: ``conversation.updated`` told them already).
    if "assignee" in changed:
        events.append(
            Event(
                EventName.CONVERSATION_ASSIGNED,
                ConversationAssigned(conversation=data, assignee=data.assignee),
                (),
                conversation_id=conversation.id,
                workspace_id=conversation.workspace_id,
            )
        )
    if "status" in changed and conversation.status == "resolved":
        events.append(
            Event(
                EventName.CONVERSATION_RESOLVED,
                ConversationResolved(conversation=data),
                (),
                conversation_id=conversation.id,
                workspace_id=conversation.workspace_id,
            )
        )
    if "rating" in changed and conversation.rating_score is not None:
        rating = RatingSubmitted(
            conversation_id=conversation.id, score=conversation.rating_score, comment=conversation.rating_comment
        )
        events.append(
            Event(
                EventName.RATING_SUBMITTED,
                rating,
                (),
                conversation_id=conversation.id,
                workspace_id=conversation.workspace_id,
            )
        )
    return events
