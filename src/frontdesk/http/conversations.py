from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import ConfigDict, Field

from frontdesk.conversations import update
from frontdesk.conversations.counts import UnreadCounts, unread_counts
from frontdesk.conversations.queries import CURSOR, ConversationFilter, get_conversation, list_conversations
from frontdesk.conversations.update import MAX_LABELS
from frontdesk.events import ConversationData, MessageData
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import RESENT, SAYS_SOMETHING, Body, ConversationPage, MessagePage
from frontdesk.inputs import CLIENT_REF, INT_MAX, NOT_BLANK, Time
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.messages.queries import messages_page
from frontdesk.messages.views import message_data

router = APIRouter(tags=["conversations"])


@router.get("/conversations")
async def conversations(
    actor: CurrentAgent,
    ctx: Ctx,
    status: Annotated[
        Literal["open", "pending", "resolved", "snoozed"] | None,
        Query(description='"snoozed": the pending ones with a wake-up time'),
    ] = None,
    assignee: Annotated[str | None, Query(max_length=64, description='"me", "none" or an agent id')] = None,
    team: Annotated[str | None, Query(max_length=64, description="a team id")] = None,
    label: Annotated[str | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[
        str | None, Query(max_length=81, pattern=CURSOR, description="the page before's next_cursor")
    ] = None,
) -> ConversationPage:
    flt = ConversationFilter(status=status, assignee=assignee, team_id=team, label=label, limit=limit, cursor=cursor)
    items, next_cursor = await list_conversations(ctx.db, actor, flt)
    return ConversationPage(items=items, next_cursor=next_cursor)


@router.get("/conversations/unread-counts")
async def conversation_unread_counts(actor: CurrentAgent, ctx: Ctx) -> dict[str, UnreadCounts]:
    """The console's inbox badges: unread conversations per status and view."""
    return await unread_counts(ctx.db, actor)


@router.get("/conversations/{conversation_id}")
async def conversation(conversation_id: str, actor: CurrentAgent, ctx: Ctx) -> ConversationData:
    return await get_conversation(ctx.db, actor, conversation_id)


class ConversationPatch(Body):
    status: Literal["open", "pending", "resolved"] | None = None
    assignee_id: str | None = Field(default=None, max_length=64, description="an agent id; null unassigns")
    team_id: str | None = Field(default=None, max_length=64, description="a team id (a transfer); null: no team")
    priority: Literal["none", "low", "medium", "high", "urgent"] | None = None
    labels: list[Annotated[str, Field(max_length=50, pattern=NOT_BLANK)]] | None = Field(
        default=None, max_length=MAX_LABELS, description="replaces the labels"
    )
    snooze_until: Time | None = Field(
        default=None, description="pending until then (a future time with its zone), then open again"
    )
    note: str | None = Field(default=None, max_length=2000, description="why, for the team (a transfer note)")


@router.patch("/conversations/{conversation_id}")
async def update_conversation(
    conversation_id: str, body: ConversationPatch, actor: CurrentAgent, ctx: Ctx
) -> ConversationData:
    given = body.model_fields_set
    changes = update.ConversationChanges(
        status=body.status,
        assignee_id=body.assignee_id if "assignee_id" in given else update.UNCHANGED,
        team_id=body.team_id if "team_id" in given else update.UNCHANGED,
        note=body.note,
        priority=body.priority,
        labels=body.labels,
        snooze_until=body.snooze_until,
    )
    return await update.update_conversation(ctx, actor, conversation_id, changes)


@router.get("/conversations/{conversation_id}/messages")
async def messages(
    conversation_id: str,
    actor: CurrentAgent,
    ctx: Ctx,
    after_seq: Annotated[int, Query(ge=0, le=INT_MAX)] = 0,
    before_seq: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MessagePage:
    rows = await messages_page(ctx.db, actor, conversation_id, after_seq=after_seq, before_seq=before_seq, limit=limit)
    return MessagePage(items=[message_data(m) for m in rows])


class MessageIn(Body):
    model_config = ConfigDict(json_schema_extra=SAYS_SOMETHING)

    body: str = Field(max_length=BODY_MAX_CHARS, description="may be blank only with attachments")
    private: bool = False
    client_ref: str | None = Field(
        default=None, pattern=CLIENT_REF, description="your id for this message; resending it is safe"
    )
    attachment_ids: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=10)


@router.post("/conversations/{conversation_id}/messages", status_code=201, responses=RESENT)
async def post_message(
    conversation_id: str, body: MessageIn, actor: CurrentAgent, ctx: Ctx, response: Response
) -> MessageData:
    new = NewMessage(
        body=body.body,
        client_ref=body.client_ref,
        conversation_id=conversation_id,
        private=body.private,
        attachment_ids=tuple(body.attachment_ids),
    )
    result = await send_message(ctx, actor, new)
    if result.duplicate:
        response.status_code = 200
    return result.data()
