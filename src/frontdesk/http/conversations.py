from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import Field

from frontdesk.conversations import update
from frontdesk.conversations.counts import UnreadCounts, unread_counts
from frontdesk.conversations.queries import ConversationFilter, get_conversation, list_conversations
from frontdesk.events import ConversationData, MessageData
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body, ConversationPage, MessagePage
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
    assignee: Annotated[str | None, Query(description='"me", "none" or an agent id')] = None,
    team: Annotated[str | None, Query(description="a team id")] = None,
    label: Annotated[str | None, Query(max_length=50)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: str | None = None,
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
    assignee_id: str | None = Field(default=None, description="an agent id; null unassigns")
    team_id: str | None = Field(default=None, description="a team id (a transfer); null: no team")
    priority: Literal["none", "low", "medium", "high", "urgent"] | None = None
    labels: list[str] | None = Field(default=None, max_length=20, description="replaces the labels")
    snooze_until: datetime | None = Field(default=None, description="pending until then, then open again")
    note: str | None = Field(default=None, max_length=4000, description="why, for the team (a transfer note)")


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
    after_seq: Annotated[int, Query(ge=0)] = 0,
    before_seq: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MessagePage:
    rows = await messages_page(ctx.db, actor, conversation_id, after_seq=after_seq, before_seq=before_seq, limit=limit)
    return MessagePage(items=[message_data(m) for m in rows])


class MessageIn(Body):
    body: str = Field(max_length=BODY_MAX_CHARS * 2, description=f"1-{BODY_MAX_CHARS} characters after trimming")
    private: bool = False
    client_ref: str | None = Field(default=None, description="your id for this message; resending it is safe")
    attachment_ids: list[str] = Field(default_factory=list, max_length=10)


@router.post("/conversations/{conversation_id}/messages", status_code=201)
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
