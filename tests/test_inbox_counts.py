"""The console inbox's server side: unread badges per view and the snoozed view."""

from __future__ import annotations

from datetime import timedelta

from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.conversations.actions import mark_read
from frontdesk.conversations.counts import unread_counts
from frontdesk.conversations.queries import ConversationFilter, get_conversation, list_conversations
from frontdesk.conversations.update import ConversationChanges, update_conversation
from tests.factories import make_team, make_visitor, say


async def test_unread_counts_follow_visitors_agents_and_reads(ctx: Context) -> None:
    team = await make_team(ctx)
    ada, _ = await make_visitor(ctx, team.website)
    bob, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, ada, "is my order on its way?")
    second = await say(ctx, bob, "do you ship to Norway?")
    await update_conversation(
        ctx, team.owner, first.conversation_id, ConversationChanges(assignee_id=team.owner.agent_id, labels=["vip"])
    )

    counts = await unread_counts(ctx.db, team.owner)
    # The assignment adds a system line; the visitor's words are still unread.
    assert (counts["open"].all, counts["open"].mine, counts["open"].unassigned) == (2, 1, 1)
    assert counts["open"].labels == {"vip": 1}

    await say(ctx, team.owner, "It left yesterday.", first.conversation_id)  # answered: no longer unread
    conversation = await get_conversation(ctx.db, team.owner, second.conversation_id)
    await mark_read(ctx, team.owner, second.conversation_id, conversation.last_seq)
    assert "open" not in await unread_counts(ctx.db, team.owner)


async def test_snoozed_chats_count_as_pending_and_have_their_own_view(ctx: Context) -> None:
    team = await make_team(ctx)
    ada, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, ada, "hello?")
    await say(ctx, ada, "anyone?", first.conversation_id)
    later = utcnow() + timedelta(hours=2)
    snoozed = await update_conversation(ctx, team.owner, first.conversation_id, ConversationChanges(snooze_until=later))
    assert snoozed.snoozed_until is not None and snoozed.status == "pending"

    counts = await unread_counts(ctx.db, team.owner)
    assert counts["pending"].all == 1 and counts["snoozed"].all == 1 and "open" not in counts

    items, _ = await list_conversations(ctx.db, team.owner, ConversationFilter(status="snoozed"))
    assert [c.id for c in items] == [first.conversation_id]
    reopened = await update_conversation(ctx, team.owner, first.conversation_id, ConversationChanges(status="open"))
    assert reopened.snoozed_until is None
    assert (await list_conversations(ctx.db, team.owner, ConversationFilter(status="snoozed")))[0] == []


async def test_agents_count_only_what_they_may_see(ctx: Context) -> None:
    team = await make_team(ctx)
    other = await make_team(ctx, "Other")
    ada, _ = await make_visitor(ctx, team.website)
    await say(ctx, ada, "hello")
    assert (await unread_counts(ctx.db, team.owner))["open"].all == 1
    assert await unread_counts(ctx.db, other.owner) == {}
