"""The widget's calls beyond chatting: who the visitor is, what they look at, forms,
files, and the HTTP stream that replaces the socket where WebSockets are blocked."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.responses import StreamingResponse

from frontdesk.attachments.actions import Upload, upload_attachment
from frontdesk.attachments.views import attachment_data
from frontdesk.contacts.activity import Visit, record_page_view
from frontdesk.contacts.identify import Identity, identify_visitor
from frontdesk.context import Context
from frontdesk.conversations.actions import mark_read, set_typing
from frontdesk.conversations.feedback import MAX_COMMENT_CHARS, rate_conversation, request_transcript
from frontdesk.conversations.offline import OfflineMessage, leave_offline_message
from frontdesk.conversations.queries import conversation_for
from frontdesk.conversations.site_notes import notify_agents
from frontdesk.errors import Forbidden, Invalid
from frontdesk.events import AttachmentData, ContactSummary, MessageData
from frontdesk.http.deps import Ctx, CurrentVisitor, client_address, visitor_limits
from frontdesk.http.schemas import RESENT, Body, CustomAttributes
from frontdesk.inputs import CLIENT_REF, EMAIL, EMAIL_OR_EMPTY, INT_MAX, NOT_BLANK, refuse_unstorable
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.messages.views import message_data
from frontdesk.ratelimits.limiter import RateLimited
from frontdesk.ratelimits.rules import (
    ACTIVITY_VISITOR,
    IDENTIFY_IP,
    IDENTIFY_VISITOR,
    MESSAGES_IP,
    MESSAGES_VISITOR,
    NOTES_VISITOR,
    OFFLINE_IP,
    OFFLINE_VISITOR,
    RATINGS_VISITOR,
    READS_IP,
    READS_VISITOR,
    TRANSCRIPTS_IP,
    TYPING_IP,
    TYPING_VISITOR,
    UPLOADS_IP,
    UPLOADS_VISITOR,
)
from frontdesk.realtime.socket_caps import Cap, caps_for
from frontdesk.websites.models import Website
from frontdesk.websites.settings import TURN_ON, effective
from frontdesk.ws.connection import QUEUE_FRAMES
from frontdesk.ws.session import HEARTBEAT_S, open_session

router = APIRouter(prefix="/widget", tags=["widget"])


class IdentifyIn(Body):
    name: str | None = Field(default=None, max_length=200, pattern=NOT_BLANK)
    email: str | None = Field(default=None, max_length=320, pattern=EMAIL_OR_EMPTY, description='"": none')
    phone: str | None = Field(default=None, max_length=50)
    external_id: str | None = Field(default=None, max_length=200, pattern=NOT_BLANK)
    signature: str | None = Field(
        default=None, pattern=r"^[0-9A-Fa-f]{64}$", description="HMAC-SHA256 of external_id, in hex"
    )
    custom_attributes: CustomAttributes | None = None
    nickname: str | None = Field(
        default=None, max_length=200, pattern=NOT_BLANK, description="the name agents see (Olark)"
    )
    status: list[Annotated[str, Field(max_length=300, pattern=NOT_BLANK)]] | None = Field(
        default=None, max_length=20, description="lines for the agent's view (Olark)"
    )


class IdentifyOut(BaseModel):
    token: str
    contact: ContactSummary


@router.post("/identify", dependencies=[visitor_limits(IDENTIFY_VISITOR, IDENTIFY_IP)])
async def identify(body: IdentifyIn, actor: CurrentVisitor, ctx: Ctx) -> IdentifyOut:
    identity = Identity(
        name=body.name or body.nickname,
        email=body.email,
        phone=body.phone,
        external_id=body.external_id,
        signature=body.signature,
        custom_attributes=body.custom_attributes,
        status=body.status,
    )
    contact, token = await identify_visitor(ctx, actor, identity)
    return IdentifyOut(token=token, contact=ContactSummary(id=contact.id, name=contact.name, email=contact.email))


class ActivityIn(Body):
    url: str = Field(max_length=2000, pattern=r"^https?://[^\x00]*$", description="an http(s) URL")
    title: str = Field(default="", max_length=500)
    referrer: str = Field(default="", max_length=2000)
    language: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)
    screen: dict[str, Annotated[int, Field(ge=0, le=100_000)]] | None = Field(default=None, max_length=10)


@router.post("/activity", status_code=204, dependencies=[visitor_limits(ACTIVITY_VISITOR)])
async def activity(body: ActivityIn, request: Request, actor: CurrentVisitor, ctx: Ctx) -> None:
    visit = Visit(
        url=body.url,
        title=body.title,
        referrer=body.referrer,
        language=body.language,
        time_zone=body.time_zone,
        screen=body.screen,
        user_agent=request.headers.get("user-agent", ""),
    )
    await record_page_view(ctx, actor, visit)


class OfflineIn(Body):
    client_ref: str = Field(pattern=CLIENT_REF)
    name: str = Field(max_length=200, pattern=NOT_BLANK)
    email: str = Field(max_length=320, pattern=EMAIL)
    body: str = Field(max_length=BODY_MAX_CHARS, pattern=NOT_BLANK)


@router.post(
    "/offline-messages", status_code=201, responses=RESENT, dependencies=[visitor_limits(OFFLINE_VISITOR, OFFLINE_IP)]
)
async def offline_message(body: OfflineIn, actor: CurrentVisitor, ctx: Ctx, response: Response) -> MessageData:
    offline = OfflineMessage(client_ref=body.client_ref, name=body.name, email=body.email, body=body.body)
    message, duplicate = await leave_offline_message(ctx, actor, offline)
    if duplicate:
        response.status_code = 200
    return message_data(message)


class RatingIn(Body):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=MAX_COMMENT_CHARS)


class RatingOut(BaseModel):
    score: int
    comment: str | None


@router.post("/conversations/{conversation_id}/rating", dependencies=[visitor_limits(RATINGS_VISITOR)])
async def rating(conversation_id: str, body: RatingIn, actor: CurrentVisitor, ctx: Ctx) -> RatingOut:
    score, comment = await rate_conversation(ctx, actor, conversation_id, body.score, body.comment)
    return RatingOut(score=score, comment=comment)


class TranscriptIn(Body):
    email: str = Field(max_length=320, pattern=EMAIL)


@router.post(
    "/conversations/{conversation_id}/transcript", status_code=202, dependencies=[visitor_limits(TRANSCRIPTS_IP)]
)
async def transcript(conversation_id: str, body: TranscriptIn, actor: CurrentVisitor, ctx: Ctx) -> dict[str, str]:
    await request_transcript(ctx, actor, conversation_id, body.email)
    return {"status": "queued"}


@router.post("/attachments", status_code=201, dependencies=[visitor_limits(UPLOADS_VISITOR, UPLOADS_IP)])
async def attachment(file: UploadFile, actor: CurrentVisitor, ctx: Ctx) -> AttachmentData:
    async with ctx.db.reader() as session:
        website = await session.get_one(Website, actor.website_id)
    rules = effective(website.settings).attachments
    data = await file.read(rules.max_bytes + 1)
    upload = Upload(name=file.filename or "file", content_type=file.content_type or "", data=data)
    stored = await upload_attachment(ctx, actor, upload, rules)
    return attachment_data(
        {"id": stored.id, "name": stored.name, "content_type": stored.content_type, "size": stored.size}
    )


class NoteIn(Body):
    body: str = Field(max_length=BODY_MAX_CHARS, pattern=NOT_BLANK)


@router.post("/notify", status_code=204, dependencies=[visitor_limits(NOTES_VISITOR)])
async def notify(body: NoteIn, actor: CurrentVisitor, ctx: Ctx) -> None:
    await notify_agents(ctx, actor, body.body)


class SiteMessageIn(Body):
    client_ref: str = Field(pattern=CLIENT_REF)
    body: str = Field(max_length=BODY_MAX_CHARS, pattern=NOT_BLANK)


@router.post(
    "/site-messages", status_code=201, responses=RESENT, dependencies=[visitor_limits(MESSAGES_VISITOR, MESSAGES_IP)]
)
async def site_message(body: SiteMessageIn, actor: CurrentVisitor, ctx: Ctx, response: Response) -> MessageData:
    async with ctx.db.reader() as session:
        website = await session.get_one(Website, actor.website_id)
    if not effective(website.settings).site_messages_enabled:
        raise Forbidden(f"this website does not take messages from its pages; {TURN_ON}", field="body")
    new = NewMessage(body=body.body, client_ref=body.client_ref, site_speaker=website.name)
    result = await send_message(ctx, actor, new)
    if result.duplicate:
        response.status_code = 200
    return result.data()


class TypingIn(Body):
    conversation_id: str = Field(max_length=64)
    state: Literal["start", "stop"]


@router.post("/typing", status_code=204, dependencies=[visitor_limits(TYPING_VISITOR, TYPING_IP)])
async def typing(body: TypingIn, actor: CurrentVisitor, ctx: Ctx) -> None:
    async with ctx.db.reader() as session:
        await conversation_for(session, actor, body.conversation_id)
    await set_typing(ctx, actor, body.conversation_id, actor.contact_id, body.state == "start")


class ReadIn(Body):
    conversation_id: str = Field(max_length=64)
    seq: int = Field(ge=0, le=INT_MAX)


@router.post("/read", status_code=204, dependencies=[visitor_limits(READS_VISITOR, READS_IP)])
async def read(body: ReadIn, actor: CurrentVisitor, ctx: Ctx) -> None:
    await mark_read(ctx, actor, body.conversation_id, body.seq)


# A visitor has a few conversations; 50 cursors of conversation ids fit 4,000 characters,
# and URL-encoded (up to 3 bytes a character) those stay under the 16 KiB uvicorn reads of
# a request line: a longer one is refused there, before any of this, as a plain-text 400.
STREAM_CURSORS = 50
CURSORS_MAX_CHARS = 4000
_CONVERSATION_ID = re.compile(r"^[0-9A-Za-z]{1,64}$")
# The OpenAPI document says it as JSON content (http/openapi.py).
CURSORS_SCHEMA = {
    "type": "object",
    "maxProperties": STREAM_CURSORS,
    "propertyNames": {"pattern": _CONVERSATION_ID.pattern},
    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": INT_MAX},
}


def _cursors(raw: str) -> dict[str, int]:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise Invalid('"cursors" must be a JSON object of conversation id to seq', field="cursors") from None
    if (
        not isinstance(parsed, dict)
        or len(parsed) > STREAM_CURSORS
        or not all(_CONVERSATION_ID.match(k) and isinstance(v, int) and 0 <= v <= INT_MAX for k, v in parsed.items())
    ):
        raise Invalid(f'"cursors" must be a JSON object of conversation id to seq (0-{INT_MAX})', field="cursors")
    refuse_unstorable(parsed, "cursors")
    return parsed


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    request: Request,
    actor: CurrentVisitor,
    ctx: Ctx,
    cursors: Annotated[str, Query(max_length=CURSORS_MAX_CHARS, description="{conversation id: seq}, as JSON")] = "{}",
) -> StreamingResponse:
    """The socket's frames as Server-Sent Events, for networks that block WebSockets.
    Counted against the same caps as sockets (per IP address, per visitor): over one,
    429 with Retry-After."""
    caps = stream_caps(request, ctx, actor.contact_id)
    if (refused := await ctx.socket_caps.acquire(caps)) is not None:
        raise RateLimited(f"too many open streams and sockets (at most {refused.limit}); close one", RETRY_STREAM_S)
    frames: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_FRAMES)

    async def send(texts: list[bytes]) -> None:
        for text in texts:
            await frames.put(text.decode())

    async def close(_code: int, _reason: str) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            frames.put_nowait(None)

    try:
        live = await open_session(ctx, actor, _cursors(cursors), send, close)
    except BaseException:
        await ctx.socket_caps.release(caps)
        raise

    async def body() -> AsyncIterator[str]:
        try:
            while True:
                try:
                    text = await asyncio.wait_for(frames.get(), HEARTBEAT_S)
                except TimeoutError:
                    yield ": ping\n\n"  # keeps proxies from closing an idle stream
                    continue
                if text is None:
                    return
                yield f"data: {text}\n\n"
        finally:
            await live.end()
            await ctx.socket_caps.release(caps)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body(), media_type="text/event-stream", headers=headers)


# A refused stream's client retries after this; by then a tab may have closed.
RETRY_STREAM_S = 10


def stream_caps(request: Request, ctx: Context, contact_id: str) -> list[Cap]:
    settings = ctx.settings
    return caps_for(
        client_address(request), contact_id, per_ip=settings.sockets_per_ip, per_visitor=settings.sockets_per_visitor
    )
