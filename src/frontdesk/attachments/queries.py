from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import Actor, AgentActor
from frontdesk.attachments.models import Attachment
from frontdesk.errors import Invalid, NotFound
from frontdesk.storage.db import Database

MAX_PER_MESSAGE = 10


async def claim_for_message(session: AsyncSession, actor: Actor, ids: list[str]) -> list[Attachment]:
    """The actor's own unbound uploads, in the order named; anything else is refused."""
    if len(ids) > MAX_PER_MESSAGE:
        raise Invalid(f'"attachment_ids" may name at most {MAX_PER_MESSAGE} files', field="attachment_ids")
    uploader = actor.agent_id if isinstance(actor, AgentActor) else actor.contact_id
    rows = await session.scalars(
        select(Attachment).where(
            Attachment.id.in_(ids),
            Attachment.workspace_id == actor.workspace_id,
            Attachment.uploader_id == uploader,
            Attachment.message_id.is_(None),
        )
    )
    found = {a.id: a for a in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f'"attachment_ids": no upload of yours named {missing[0]}', field="attachment_ids")
    return [found[i] for i in ids]


async def get_attachment(db: Database, attachment_id: str) -> Attachment | None:
    async with db.reader() as session:
        return await session.get(Attachment, attachment_id)
