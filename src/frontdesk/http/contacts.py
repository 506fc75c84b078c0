from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from frontdesk.contacts import actions
from frontdesk.contacts.blocking import set_blocked
from frontdesk.contacts.queries import get_contact, list_contacts
from frontdesk.errors import Invalid, NotFound
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body, ContactOut, ContactPage, CustomAttributes
from frontdesk.inputs import EMAIL_OR_EMPTY, NOT_BLANK

router = APIRouter(tags=["contacts"])
# An offset; nine digits is past any workspace's contacts and inside the database's range.
_CURSOR = re.compile(r"^[0-9]{1,9}$")


@router.get("/contacts")
async def contacts(
    actor: CurrentAgent,
    ctx: Ctx,
    q: Annotated[str | None, Query(max_length=200, description="name or email contains")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(pattern=_CURSOR.pattern, description="the page before's next_cursor")] = None,
) -> ContactPage:
    if cursor is not None and not _CURSOR.match(cursor):
        raise Invalid('"cursor" is not a cursor this server gave out', field="cursor")
    offset = int(cursor or 0)
    rows = await list_contacts(ctx.db, actor.workspace_id, q=q, limit=limit + 1, offset=offset)
    next_cursor = str(offset + limit) if len(rows) > limit else None
    return ContactPage(items=[ContactOut.of(c) for c in rows[:limit]], next_cursor=next_cursor)


@router.get("/contacts/{contact_id}")
async def contact(contact_id: str, actor: CurrentAgent, ctx: Ctx) -> ContactOut:
    found = await get_contact(ctx.db, actor.workspace_id, contact_id)
    if found is None:
        raise NotFound(f"no contact {contact_id}")
    return ContactOut.of(found)


class BlockIn(Body):
    blocked: bool


@router.post("/contacts/{contact_id}/block")
async def block(contact_id: str, body: BlockIn, actor: CurrentAgent, ctx: Ctx) -> ContactOut:
    """Blocked visitors (and their last address) cannot start chats or write."""
    return ContactOut.of(await set_blocked(ctx, actor, contact_id, body.blocked))


class ContactPatch(Body):
    name: str | None = Field(default=None, max_length=200, pattern=NOT_BLANK)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_OR_EMPTY, description='"": none')
    phone: str | None = Field(default=None, max_length=50)
    custom_attributes: CustomAttributes | None = Field(default=None, description="merged; null removes a key")


@router.patch("/contacts/{contact_id}")
async def update_contact(contact_id: str, body: ContactPatch, actor: CurrentAgent, ctx: Ctx) -> ContactOut:
    changes = actions.ContactChanges(**body.model_dump())
    return ContactOut.of(await actions.update_contact(ctx, actor, contact_id, changes))
