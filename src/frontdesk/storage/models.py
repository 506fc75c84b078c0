"""Imports every model so that ``Base.metadata`` knows all tables (Alembic, tests)."""

from frontdesk.agents.models import Agent, AgentSession, ApiToken
from frontdesk.contacts.models import Contact
from frontdesk.conversations.models import Conversation
from frontdesk.messages.models import Message
from frontdesk.storage.base import Base
from frontdesk.websites.models import Website
from frontdesk.workspaces.models import Workspace

__all__ = ["Agent", "AgentSession", "ApiToken", "Base", "Contact", "Conversation", "Message", "Website", "Workspace"]
