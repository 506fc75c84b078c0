"""What agents use around conversations: search, canned responses, live visitors, a
contact's history, and starting a chat."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from frontdesk.canned import actions as canned
from frontdesk.canned.models import CannedResponse
from frontdesk.clock import isoformat
from frontdesk.contacts.live import live_visitors, page_views
from frontdesk.contacts.page_views import PageView
from frontdesk.contacts.queries import get_contact, list_contacts
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.queries import scoped, views_of
from frontdesk.conversations.start import start_conversation
from frontdesk.errors import NotFound
from frontdesk.events import ConversationData, MessageData, PageViewData
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body, ContactOut
from frontdesk.inputs import CLIENT_REF, NOT_BLANK, WORD, Time
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.messages.views import message_data
from frontdesk.search.queries import SearchFilter, search_messages

router = APIRouter(tags=["inbox"])


class SearchHit(BaseModel):
    message: MessageData
    conversation: ConversationData


class SearchResults(BaseModel):
    messages: list[SearchHit]
    contacts: list[ContactOut]


@router.get("/search")
async def search(
    actor: CurrentAgent,
    ctx: Ctx,
    q: Annotated[str, Query(min_length=1, max_length=200, pattern=WORD, description="words to find")],
    status: Literal["open", "pending", "resolved"] | None = None,
    assignee_id: Annotated[str | None, Query(max_length=64)] = None,
    label: Annotated[str | None, Query(max_length=50)] = None,
    since: Time | None = None,
    until: Time | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> SearchResults:
    """Messages containing every word (the last as a prefix), newest first; and contacts
    whose name or email contains ``q``."""
    flt = SearchFilter(q=q, status=status, assignee_id=assignee_id, label=label, since=since, until=until, limit=limit)
    # Side by side: the contacts' substring match reads every contact (tens of ms in a
    # big workspace), as long as the message search; each has its own connection.
    hits, contacts = await asyncio.gather(
        search_messages(ctx.db, actor, flt), list_contacts(ctx.db, actor.workspace_id, q=q, limit=10, offset=0)
    )
    async with ctx.db.reader() as session:
        views = {v.id: v for v in await views_of(session, list({c.id: c for _, c in hits}.values()))}
    return SearchResults(
        messages=[SearchHit(message=message_data(m), conversation=views[c.id]) for m, c in hits],
        contacts=[ContactOut.of(c) for c in contacts],
    )


class CannedOut(BaseModel):
    id: str
    shortcut: str
    body: str
    shared: bool

    @classmethod
    def of(cls, row: CannedResponse) -> CannedOut:
        return cls(id=row.id, shortcut=row.shortcut, body=row.body, shared=row.agent_id is None)


class CannedList(BaseModel):
    items: list[CannedOut]


class CannedIn(Body):
    shortcut: str = Field(
        max_length=51, pattern=r"^/?[a-zA-Z0-9][a-zA-Z0-9_-]{0,49}$", description='typed after "/"; kept lowercase'
    )
    body: str = Field(max_length=BODY_MAX_CHARS, pattern=NOT_BLANK)
    shared: bool = Field(default=True, description="the whole workspace's (owners and admins only); false: mine")


@router.get("/canned-responses")
async def list_canned(
    actor: CurrentAgent,
    ctx: Ctx,
    q: Annotated[str | None, Query(max_length=60, description="shortcut starts with")] = None,
) -> CannedList:
    return CannedList(items=[CannedOut.of(r) for r in await canned.list_canned(ctx.db, actor, q)])


@router.post("/canned-responses", status_code=201)
async def create_canned(body: CannedIn, actor: CurrentAgent, ctx: Ctx) -> CannedOut:
    return CannedOut.of(await canned.save_canned(ctx, actor, canned.CannedSpec(**body.model_dump())))


@router.put("/canned-responses/{canned_id}")
async def update_canned(canned_id: str, body: CannedIn, actor: CurrentAgent, ctx: Ctx) -> CannedOut:
    return CannedOut.of(await canned.save_canned(ctx, actor, canned.CannedSpec(**body.model_dump()), canned_id))


@router.delete("/canned-responses/{canned_id}", status_code=204)
async def delete_canned(canned_id: str, actor: CurrentAgent, ctx: Ctx) -> None:
    await canned.delete_canned(ctx, actor, canned_id)


class LiveVisitorOut(BaseModel):
    contact: ContactOut
    current_page: PageViewData
    visit_started_at: str
    page_views: int


class LiveList(BaseModel):
    items: list[LiveVisitorOut]


def _page(view: PageView) -> PageViewData:
    return PageViewData(url=view.url, title=view.title, referrer=view.referrer, created_at=isoformat(view.created_at))


@router.get("/visitors/live")
async def live(actor: CurrentAgent, ctx: Ctx) -> LiveList:
    rows = await live_visitors(ctx.db, actor.workspace_id)
    return LiveList(
        items=[
            LiveVisitorOut(
                contact=ContactOut.of(v.contact),
                current_page=_page(v.current),
                visit_started_at=isoformat(v.visit_started_at),
                page_views=v.page_views,
            )
            for v in rows
        ]
    )


class PageViewList(BaseModel):
    items: list[PageViewData]


@router.get("/contacts/{contact_id}/page-views")
async def contact_page_views(contact_id: str, actor: CurrentAgent, ctx: Ctx) -> PageViewList:
    if await get_contact(ctx.db, actor.workspace_id, contact_id) is None:
        raise NotFound(f"no contact {contact_id}")
    return PageViewList(items=[_page(v) for v in await page_views(ctx.db, actor.workspace_id, contact_id)])


class ConversationList(BaseModel):
    items: list[ConversationData]


@router.get("/contacts/{contact_id}/conversations")
async def contact_conversations(contact_id: str, actor: CurrentAgent, ctx: Ctx) -> ConversationList:
    """The contact's conversations this agent may see, newest first."""
    async with ctx.db.reader() as session:
        rows = list(
            await session.scalars(
                scoped(actor)
                .where(Conversation.contact_id == contact_id)
                .order_by(Conversation.created_at.desc())
                .limit(50)
            )
        )
        return ConversationList(items=await views_of(session, rows))


class StartIn(Body):
    body: str = Field(max_length=BODY_MAX_CHARS, pattern=NOT_BLANK)
    client_ref: str | None = Field(default=None, pattern=CLIENT_REF)


@router.post("/contacts/{contact_id}/conversations", status_code=201)
async def start(contact_id: str, body: StartIn, actor: CurrentAgent, ctx: Ctx) -> MessageData:
    """Start a chat with a visitor: the message appears in their widget."""
    return message_data(await start_conversation(ctx, actor, contact_id, body.body, body.client_ref))
