"""Imports every model so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from frontdesk.agents.models import Agent, AgentSession, ApiToken, Invitation, Team, TeamMember
from frontdesk.attachments.models import Attachment
from frontdesk.canned.models import CannedResponse
from frontdesk.contacts.blocking import BlockedAddress
from frontdesk.contacts.models import Contact
from frontdesk.contacts.page_views import PageView
from frontdesk.conversations.models import Conversation, ConversationLabel
from frontdesk.jobs.models import Job
from frontdesk.messages.models import Message
from frontdesk.outbox.models import OutboxRow
from frontdesk.routing.models import RoutingRule
from frontdesk.storage.base import Base
from frontdesk.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontdesk.websites.models import Website
from frontdesk.workspaces.models import Workspace

__all__ = [
    "Agent",
    "AgentSession",
    "ApiToken",
    "Attachment",
    "Base",
    "BlockedAddress",
    "CannedResponse",
    "Contact",
    "Conversation",
    "ConversationLabel",
    "Invitation",
    "Job",
    "Message",
    "OutboxRow",
    "PageView",
    "RoutingRule",
    "Team",
    "TeamMember",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "Website",
    "Workspace",
]
