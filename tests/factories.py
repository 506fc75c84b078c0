"""Test data shaped like the domain, made through the actions (the only writers)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from frontdesk.actors import AgentActor, Role, VisitorActor
from frontdesk.agents.actions import NewAgent, create_agent
from frontdesk.agents.models import Agent
from frontdesk.agents.queries import actor_for
from frontdesk.bootstrap import NewWorkspace, create_workspace
from frontdesk.contacts.actions import start_visitor_session
from frontdesk.context import Context
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import Message
from frontdesk.websites.models import Website

PASSWORD = "correct horse battery"


@dataclass
class Team:
    workspace_id: str
    website: Website
    owner: AgentActor


async def make_team(ctx: Context, name: str = "Acme") -> Team:
    workspace, website = await create_workspace(ctx, NewWorkspace(name=name))
    owner = await make_agent(ctx, workspace.id, role=Role.OWNER)
    return Team(workspace_id=workspace.id, website=website, owner=owner)


async def make_agent(ctx: Context, workspace_id: str, role: Role = Role.AGENT, name: str = "Grace") -> AgentActor:
    email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:8]}@example.com"
    agent = await create_agent(
        ctx, NewAgent(workspace_id=workspace_id, email=email, name=name, role=role, password=PASSWORD)
    )
    return await actor_for(ctx.db, agent)


async def reload(ctx: Context, actor: AgentActor) -> AgentActor:
    """The actor as the next request sees it (teams and role are read per request)."""
    async with ctx.db.reader() as session:
        agent = await session.get_one(Agent, actor.agent_id)
    return await actor_for(ctx.db, agent)


async def make_visitor(ctx: Context, website: Website) -> tuple[VisitorActor, str]:
    started = await start_visitor_session(ctx, website.widget_key, None)
    contact = started.contact
    actor = VisitorActor(
        workspace_id=contact.workspace_id, website_id=website.id, contact_id=contact.id, name=contact.name
    )
    return actor, started.token


async def say(
    ctx: Context,
    actor: VisitorActor | AgentActor,
    body: str,
    conversation_id: str | None = None,
    *,
    private: bool = False,
    client_ref: str | None = None,
) -> Message:
    new = NewMessage(
        body=body, conversation_id=conversation_id, private=private, client_ref=client_ref or uuid.uuid4().hex
    )
    return (await send_message(ctx, actor, new)).message
