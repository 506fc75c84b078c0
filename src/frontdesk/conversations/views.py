from __future__ import annotations

from typing import Literal, cast

from frontdesk.agents.models import Agent
from frontdesk.clock import isoformat
from frontdesk.contacts.models import Contact
from frontdesk.contacts.views import contact_summary
from frontdesk.conversations.models import Conversation
from frontdesk.events import AgentSummary, ConversationData
from frontdesk.messages.models import Message
from frontdesk.messages.views import message_data

StatusName = Literal["open", "pending", "resolved"]


def conversation_data(
    conversation: Conversation,
    contact: Contact,
    assignee: Agent | None,
    last_message: Message | None,
    labels: list[str] | None = None,
) -> ConversationData:
    """The conversation as agents see it. For a visitor pass ``last_message=None``: the
    last entry may be a private note."""
    return ConversationData(
        id=conversation.id,
        website_id=conversation.website_id,
        status=cast(StatusName, conversation.status),
        assignee=AgentSummary(id=assignee.id, name=assignee.name) if assignee else None,
        contact=contact_summary(contact),
        last_seq=conversation.last_seq,
        last_message=message_data(last_message) if last_message else None,
        agent_last_read_seq=conversation.agent_last_read_seq,
        contact_last_read_seq=conversation.contact_last_read_seq,
        created_at=isoformat(conversation.created_at),
        last_activity_at=isoformat(conversation.last_activity_at),
        team_id=conversation.team_id,
        out_of_hours=conversation.out_of_hours,
        queued_at=isoformat(conversation.queued_at)
        if conversation.queued_at and not conversation.assignee_id
        else None,
        rating=conversation.rating_score,
        priority=conversation.priority,
        labels=sorted(labels) if labels is not None else None,
        snoozed_until=isoformat(conversation.snoozed_until) if conversation.snoozed_until else None,
    )
