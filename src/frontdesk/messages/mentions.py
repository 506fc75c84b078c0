"""@mentions in private notes notify the agents named ("@Grace", "@Grace Hopper")."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor
from frontdesk.agents.models import Agent
from frontdesk.events import AgentSummary, Event, EventName, MentionCreated
from frontdesk.messages.models import Message
from frontdesk.messages.views import message_data
from frontdesk.topics import agent as agent_topic


async def mention_events(session: AsyncSession, actor: AgentActor, note: Message) -> list[Event]:
    if "@" not in note.body:
        return []
    agents = await session.scalars(
        select(Agent).where(
            Agent.workspace_id == actor.workspace_id, Agent.active.is_(True), Agent.id != actor.agent_id
        )
    )
    named = [a for a in agents if _mentions(note.body, a.name)]
    data = MentionCreated(
        conversation_id=note.conversation_id,
        message=message_data(note),
        by=AgentSummary(id=actor.agent_id, name=actor.name),
    )
    return [
        Event(EventName.MENTION_CREATED, data, (agent_topic(a.id),), conversation_id=note.conversation_id)
        for a in named
    ]


def _mentions(body: str, name: str) -> bool:
    """ "@Grace" or "@Grace Hopper", as a whole word, in any case."""
    first = name.split()[0] if name.split() else name
    pattern = rf"@(?:{re.escape(name)}|{re.escape(first)})(?!\w)"
    return re.search(pattern, body, flags=re.IGNORECASE) is not None
