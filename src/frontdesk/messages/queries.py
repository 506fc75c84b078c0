from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import Actor, VisitorActor
from frontdesk.conversations.queries import conversation_for
from frontdesk.messages.models import Message
from frontdesk.messages.views import message_data
from frontdesk.storage.db import Database


async def messages_page(
    db: Database,
    actor: Actor,
    conversation_id: str,
    *,
    after_seq: int = 0,
    before_seq: int | None = None,
    limit: int = 50,
) -> list[Message]:
    """Messages in ``seq`` order after ``after_seq`` (or the last ``limit`` before
    ``before_seq``, for scrolling back). Visitors never get private notes."""
    async with db.reader() as session:
        await conversation_for(session, actor, conversation_id)
        query = select(Message).where(Message.conversation_id == conversation_id)
        if isinstance(actor, VisitorActor):
            query = query.where(Message.private.is_(False))
        if before_seq is not None:
            query = query.where(Message.seq < before_seq).order_by(Message.seq.desc()).limit(limit)
            return list(reversed(list(await session.scalars(query))))
        query = query.where(Message.seq > after_seq).order_by(Message.seq).limit(limit)
        return list(await session.scalars(query))


async def messages_between(
    db: Database, conversation_id: str, after_seq: int, before_seq: int, *, include_private: bool
) -> list[Message]:
    """For the gateway, which has already checked access: fills a gap in a live stream."""
    query = select(Message).where(
        Message.conversation_id == conversation_id, Message.seq > after_seq, Message.seq < before_seq
    )
    if not include_private:
        query = query.where(Message.private.is_(False))
    async with db.reader() as session:
        return list(await session.scalars(query.order_by(Message.seq)))


async def message_payloads(session: AsyncSession, message_ids: list[str]) -> dict[str, dict[str, Any]]:
    """``message.created``'s payload of each stored message, by id, for the outbox's
    dispatcher (outbox/dispatch.py): its rows of a message carry only the id."""
    found = await session.scalars(select(Message).where(Message.id.in_(message_ids)))
    return {message.id: {"message": message_data(message).model_dump(mode="json")} for message in found}
