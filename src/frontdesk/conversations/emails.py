"""Emails about conversations, sent by the outbox worker (jobs/worker.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from frontdesk.agents.models import Agent
from frontdesk.clock import isoformat
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations.models import Conversation
from frontdesk.mail.sender import Email
from frontdesk.messages.models import VISITOR_BROWSER, AuthorType, Message
from frontdesk.websites.models import Website


async def send_transcript(ctx: Context, payload: dict[str, Any]) -> None:
    async with ctx.db.reader() as session:
        conversation = await session.get_one(Conversation, payload["conversation_id"])
        website = await session.get_one(Website, conversation.website_id)
        rows = await session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.private.is_(False))
            .order_by(Message.seq)
        )
        lines = [f"[{isoformat(m.created_at)}] {speaker(m, website.name)}: {m.body}" for m in rows]
    text = f"Your conversation with {website.name}\n\n" + "\n".join(lines) + "\n"
    await ctx.mail.send(Email(to=payload["to"], subject=f"Your conversation with {website.name}", text=text))


def speaker(message: Message, website: str) -> str:
    """Who wrote a line, as the transcript names them. A visitor chooses their own name
    (and a page may post as the website), so no visitor's words may read as the company's:
    the visitor is "You", whatever name they gave, and lines the page posted say so."""
    if message.author_type == AuthorType.VISITOR.value:
        return "You"
    if (message.system or {}).get("origin") == VISITOR_BROWSER:
        return f"{message.author_name} (posted by the page you were on)"
    if message.author_type == AuthorType.AGENT.value:
        return f"{message.author_name} ({website})"
    if message.author_type == AuthorType.BOT.value:
        return f"{message.author_name} (automated, {website})"
    return website


async def send_offline_message(ctx: Context, payload: dict[str, Any]) -> None:
    async with ctx.db.reader() as session:
        message = await session.get_one(Message, payload["message_id"])
        conversation = await session.get_one(Conversation, message.conversation_id)
        contact = await session.get_one(Contact, conversation.contact_id)
        website = await session.get_one(Website, conversation.website_id)
        agents = list(
            await session.scalars(
                select(Agent).where(Agent.workspace_id == message.workspace_id, Agent.active.is_(True))
            )
        )
    text = (
        f"{contact.name} <{contact.email}> left a message on {website.name} while nobody was online:\n\n"
        f"{message.body}\n\nAnswer in the console, or reply to this email.\n"
    )
    for agent in agents:
        await ctx.mail.send(
            Email(
                to=agent.email,
                subject=f"New message from {contact.name} on {website.name}",
                text=text,
                reply_to=contact.email,
            )
        )


HANDLERS = {"email.transcript": send_transcript, "email.offline_message": send_offline_message}
