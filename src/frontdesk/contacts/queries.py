from __future__ import annotations

from sqlalchemy import or_, select

from frontdesk.contacts.models import Contact
from frontdesk.storage.db import Database


async def get_contact(db: Database, workspace_id: str, contact_id: str) -> Contact | None:
    async with db.reader() as session:
        return await session.scalar(
            select(Contact).where(Contact.id == contact_id, Contact.workspace_id == workspace_id)
        )


async def list_contacts(db: Database, workspace_id: str, *, q: str | None, limit: int, offset: int) -> list[Contact]:
    query = select(Contact).where(Contact.workspace_id == workspace_id)
    if q:
        # Autoescaped: "%" and "_" typed in the search box are the characters themselves,
        # not LIKE's wildcards (a "%" would otherwise list every contact).
        query = query.where(
            or_(Contact.name.icontains(q, autoescape=True), Contact.email.icontains(q, autoescape=True))
        )
    query = query.order_by(Contact.last_seen_at.desc(), Contact.id).limit(limit).offset(offset)
    async with db.reader() as session:
        return list(await session.scalars(query))
