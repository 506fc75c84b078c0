"""What the widget needs over HTTP: start or resume a visitor, read and send messages.
The same rules as the socket: ``client_ref`` makes sends idempotent, ``after_seq`` replays."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from frontdesk.actors import VisitorActor
from frontdesk.contacts.actions import start_visitor_session
from frontdesk.contacts.revoke import end_visitor_session
from frontdesk.conversations.briefs import Brief, visitor_briefs
from frontdesk.errors import NotFound
from frontdesk.events import ContactSummary, MessageData
from frontdesk.http.deps import Ctx, CurrentVisitor, client_address, visitor_limits
from frontdesk.http.schemas import RESENT, SAYS_SOMETHING, Body, MessagePage
from frontdesk.inputs import CLIENT_REF, INT_MAX
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.messages.queries import messages_page
from frontdesk.messages.views import message_data
from frontdesk.ratelimits.rules import MESSAGES_IP, MESSAGES_VISITOR
from frontdesk.routing.availability import agents_online
from frontdesk.storage.reads import Exec
from frontdesk.websites.queries import website_by_key
from frontdesk.websites.views import website_data

router = APIRouter(prefix="/widget", tags=["widget"])


class SessionIn(Body):
    website_key: str = Field(max_length=100)
    token: str | None = Field(default=None, max_length=2000)
    locale: str | None = Field(default=None, max_length=35, description="the page's language, for later use")


class ConversationBrief(BaseModel):
    id: str
    status: str
    last_seq: int
    rating: int | None
    agent_last_read_seq: int


class WidgetWebsite(BaseModel):
    id: str
    name: str
    settings: dict[str, Any]


class SessionOut(BaseModel):
    token: str
    contact: ContactSummary
    website: WidgetWebsite
    conversations: list[ConversationBrief]
    agents_online: bool


class ConversationList(BaseModel):
    items: list[ConversationBrief]


async def _briefs(ctx: Ctx, actor: VisitorActor) -> list[ConversationBrief]:
    return _listed(await ctx.db.reads.get(visitor_briefs, (actor.workspace_id, actor.contact_id)))


def _listed(chats: list[Brief]) -> list[ConversationBrief]:
    return [
        ConversationBrief(
            id=c.id,
            status=c.status,
            last_seq=c.last_seq,
            rating=c.rating_score,
            agent_last_read_seq=c.agent_last_read_seq,
        )
        for c in chats
    ]


def _after_start(execute: Exec, started: list[tuple[str, str | None, str]]) -> list[tuple[bool, list[Brief]]]:
    """A quick read (storage/reads.py) for each (website, returning contact or None,
    workspace): whether anyone can answer, and the returning visitor's chats."""
    online = agents_online(execute, [website_id for website_id, _, _ in started])
    returning = [(workspace_id, contact_id) for _, contact_id, workspace_id in started if contact_id]
    chats = dict(zip(returning, visitor_briefs(execute, returning), strict=True)) if returning else {}
    return [(o, chats.get((w, c), []) if c else []) for o, (_, c, w) in zip(online, started, strict=True)]


@router.post("/session")
async def session(body: SessionIn, request: Request, ctx: Ctx) -> SessionOut:
    started = await start_visitor_session(ctx, body.website_key, body.token, client_address(request))
    contact, website = started.contact, started.website
    returning = contact.id if started.resumed else None
    online, chats = await ctx.db.reads.get(_after_start, (website.id, returning, contact.workspace_id))
    return SessionOut(
        token=started.token,
        contact=ContactSummary(id=contact.id, name=contact.name, email=contact.email),
        website=WidgetWebsite(**website_data(website, ctx.mail.configured).model_dump()),
        conversations=_listed(chats),
        agents_online=online,
    )


@router.post("/session/end", status_code=204)
async def end_session(actor: CurrentVisitor, ctx: Ctx) -> None:
    """The widget's ``reset()``, for a site's logout: every token of this visitor stops
    working, on every device, and open sockets close. The widget starts a new anonymous
    visitor next."""
    await end_visitor_session(ctx, actor)


class PublicConfig(BaseModel):
    website: WidgetWebsite


@router.get("/config")
async def config(ctx: Ctx, response: Response, website_key: Annotated[str, Query(max_length=100)]) -> PublicConfig:
    """The look of a website's widget, for the loader to draw the right launcher on a
    first visit. Public and cacheable: nothing here is secret."""
    website = await website_by_key(ctx.db, website_key)
    if website is None:
        raise NotFound(f"no website with key {website_key!r}; check the snippet", field="website_key")
    response.headers["Cache-Control"] = "public, max-age=60"
    return PublicConfig(website=WidgetWebsite(**website_data(website, ctx.mail.configured).model_dump()))


@router.get("/conversations")
async def conversations(actor: CurrentVisitor, ctx: Ctx) -> ConversationList:
    return ConversationList(items=await _briefs(ctx, actor))


@router.get("/conversations/{conversation_id}/messages")
async def messages(
    conversation_id: str,
    actor: CurrentVisitor,
    ctx: Ctx,
    after_seq: Annotated[int, Query(ge=0, le=INT_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MessagePage:
    rows = await messages_page(ctx.db, actor, conversation_id, after_seq=after_seq, limit=limit)
    return MessagePage(items=[message_data(m) for m in rows])


class VisitorMessageIn(Body):
    model_config = ConfigDict(json_schema_extra=SAYS_SOMETHING)

    body: str = Field(max_length=BODY_MAX_CHARS, description="may be blank only with attachments")
    client_ref: str = Field(pattern=CLIENT_REF, description="your id for this message (a UUID); resending it is safe")
    conversation_id: str | None = Field(default=None, max_length=64, description="none: start a conversation")
    attachment_ids: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=10)


@router.post(
    "/messages", status_code=201, responses=RESENT, dependencies=[visitor_limits(MESSAGES_VISITOR, MESSAGES_IP)]
)
async def post_message(body: VisitorMessageIn, actor: CurrentVisitor, ctx: Ctx, response: Response) -> MessageData:
    new = NewMessage(
        body=body.body,
        client_ref=body.client_ref,
        conversation_id=body.conversation_id,
        attachment_ids=tuple(body.attachment_ids),
    )
    result = await send_message(ctx, actor, new)
    if result.duplicate:
        response.status_code = 200
    return result.data()
