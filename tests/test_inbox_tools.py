"""Search, labels, priority, canned responses, live visitors and agent-started chats,
on both databases."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from frontdesk import topics
from frontdesk.canned.actions import CannedSpec, delete_canned, list_canned, save_canned
from frontdesk.clock import utcnow
from frontdesk.contacts.activity import Visit, record_page_view
from frontdesk.contacts.live import live_visitors
from frontdesk.context import Context
from frontdesk.conversations.queries import ConversationFilter, list_conversations
from frontdesk.conversations.start import start_conversation
from frontdesk.conversations.update import ConversationChanges, update_conversation
from frontdesk.errors import Conflict, Forbidden, Invalid
from frontdesk.routing.teams import TeamSpec, save_team
from frontdesk.search.queries import SearchFilter, search_messages
from tests.factories import make_agent, make_team, make_visitor, reload, say


async def test_search_finds_messages_by_word_and_prefix_within_scope(ctx: Context) -> None:
    team = await make_team(ctx)
    ada, _ = await make_visitor(ctx, team.website)
    bob, _ = await make_visitor(ctx, team.website)
    refund = await say(ctx, ada, "I want a refund for order 4711, the zipper broke")
    await say(ctx, bob, "Do you ship tents to Norway?")
    await say(ctx, team.owner, "Refunds take five days", refund.conversation_id)

    def bodies(hits: list) -> list[str]:  # type: ignore[type-arg]
        return [m.body for m, _ in hits]

    assert bodies(await search_messages(ctx.db, team.owner, SearchFilter(q="zipper"))) == [refund.body]
    assert set(bodies(await search_messages(ctx.db, team.owner, SearchFilter(q="refun")))) == {
        refund.body,
        "Refunds take five days",
    }  # the last word is a prefix
    assert bodies(await search_messages(ctx.db, team.owner, SearchFilter(q="order zipper"))) == [refund.body]
    assert bodies(await search_messages(ctx.db, team.owner, SearchFilter(q='" OR 1=1 --'))) == []
    resolved = await search_messages(ctx.db, team.owner, SearchFilter(q="norway", status="resolved"))
    assert resolved == []
    future = await search_messages(ctx.db, team.owner, SearchFilter(q="norway", since=utcnow() + timedelta(days=1)))
    assert future == []
    other = await make_team(ctx, "Other")
    assert await search_messages(ctx.db, other.owner, SearchFilter(q="zipper")) == []
    with pytest.raises(Invalid):
        await search_messages(ctx.db, team.owner, SearchFilter(q="!!!"))


async def test_agents_search_only_their_teams_chats(ctx: Context) -> None:
    team = await make_team(ctx)
    outsider = await make_agent(ctx, team.workspace_id, name="Out")
    await save_team(ctx, team.owner, TeamSpec(name="Elsewhere", member_ids=[outsider.agent_id]))
    async with ctx.db.transaction() as session:  # the outsider is only in "Elsewhere"
        from sqlalchemy import delete

        from frontdesk.agents.models import TeamMember
        from frontdesk.websites.models import Website

        general = (await session.get_one(Website, team.website.id)).default_team_id
        await session.execute(
            delete(TeamMember).where(TeamMember.agent_id == outsider.agent_id, TeamMember.team_id == general)
        )
    visitor, _ = await make_visitor(ctx, team.website)
    await say(ctx, visitor, "confidential banana")
    outsider = await reload(ctx, outsider)
    assert await search_messages(ctx.db, outsider, SearchFilter(q="banana")) == []
    assert len(await search_messages(ctx.db, team.owner, SearchFilter(q="banana"))) == 1


async def test_labels_and_priority_filter_the_inbox(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "my invoice is wrong")
    changed = await update_conversation(
        ctx, team.owner, first.conversation_id, ConversationChanges(labels=["Billing", "vip"], priority="high")
    )
    assert changed.labels == ["billing", "vip"] and changed.priority == "high"
    items, _ = await list_conversations(ctx.db, team.owner, ConversationFilter(label="billing"))
    assert [c.id for c in items] == [first.conversation_id] and items[0].labels == ["billing", "vip"]
    items, _ = await list_conversations(ctx.db, team.owner, ConversationFilter(label="sales"))
    assert items == []
    with pytest.raises(Invalid):
        await update_conversation(ctx, team.owner, first.conversation_id, ConversationChanges(priority="asap"))
    hits = await search_messages(ctx.db, team.owner, SearchFilter(q="invoice", label="vip"))
    assert len(hits) == 1


async def test_canned_responses_are_shared_or_personal(ctx: Context) -> None:
    team = await make_team(ctx)
    grace = await make_agent(ctx, team.workspace_id, name="Grace")
    shared = await save_canned(ctx, team.owner, CannedSpec(shortcut="/hello", body="Hi {{contact.name}}!"))
    await save_canned(ctx, grace, CannedSpec(shortcut="sig", body="— {{agent.name}}", shared=False))
    with pytest.raises(Forbidden):
        await save_canned(ctx, grace, CannedSpec(shortcut="x", body="y"))
    with pytest.raises(Conflict):
        await save_canned(ctx, team.owner, CannedSpec(shortcut="hello", body="again"))
    with pytest.raises(Invalid):
        await save_canned(ctx, team.owner, CannedSpec(shortcut="two words", body="x"))
    assert [c.shortcut for c in await list_canned(ctx.db, grace, None)] == ["hello", "sig"]
    assert [c.shortcut for c in await list_canned(ctx.db, team.owner, None)] == ["hello"]
    assert [c.shortcut for c in await list_canned(ctx.db, grace, "/he")] == ["hello"]
    with pytest.raises(Forbidden):
        await delete_canned(ctx, grace, shared.id)
    await delete_canned(ctx, team.owner, shared.id)
    assert [c.shortcut for c in await list_canned(ctx.db, grace, None)] == ["sig"]


async def test_live_visitors_and_a_chat_started_by_an_agent(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    await record_page_view(ctx, visitor, Visit(url="https://shop.example/", title="Home"))
    await record_page_view(ctx, visitor, Visit(url="https://shop.example/tents", title="Tents"))
    live = [v for v in await live_visitors(ctx.db, team.workspace_id) if v.contact.id == visitor.contact_id]
    assert live and live[0].current.url == "https://shop.example/tents" and live[0].page_views == 2

    heard: list[dict[str, object]] = []
    ctx.bus.subscribe([topics.visitor(visitor.contact_id)], lambda m: heard.append(orjson.loads(m.frame)))
    message = await start_conversation(ctx, team.owner, visitor.contact_id, "Need help choosing a tent?")
    assert [e["data"]["message"]["body"] for e in heard if e["event"] == "message.created"] == [  # type: ignore[index]
        "Need help choosing a tent?"
    ]
    reply = await say(ctx, visitor, "Yes please")
    assert reply.conversation_id == message.conversation_id  # the visitor answers in the same chat


async def test_snooze_pends_until_due_and_a_visitor_message_wakes_it(ctx: Context) -> None:
    from sqlalchemy import update

    from frontdesk.conversations.models import Conversation
    from frontdesk.routing.watchdog import wake_snoozed

    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "call me tomorrow")
    later = utcnow() + timedelta(hours=20)
    snoozed = await update_conversation(ctx, team.owner, first.conversation_id, ConversationChanges(snooze_until=later))
    assert snoozed.status == "pending"
    assert await wake_snoozed(ctx) == 0
    async with ctx.db.transaction() as session:  # twenty hours pass
        await session.execute(
            update(Conversation)
            .where(Conversation.id == first.conversation_id)
            .values(snoozed_until=utcnow() - timedelta(seconds=1))
        )
    assert await wake_snoozed(ctx) == 1
    items, _ = await list_conversations(ctx.db, team.owner, ConversationFilter(status="open"))
    assert first.conversation_id in [c.id for c in items]
    with pytest.raises(Invalid, match="future"):
        await update_conversation(
            ctx, team.owner, first.conversation_id, ConversationChanges(snooze_until=utcnow() - timedelta(hours=1))
        )


async def test_blocked_visitors_cannot_write_or_come_back_from_their_address(ctx: Context) -> None:
    from frontdesk.contacts.actions import start_visitor_session
    from frontdesk.contacts.blocking import set_blocked

    team = await make_team(ctx)
    started = await start_visitor_session(ctx, team.website.widget_key, None, ip="203.0.113.9")
    from frontdesk.actors import VisitorActor

    troll = VisitorActor(
        workspace_id=team.workspace_id,
        website_id=team.website.id,
        contact_id=started.contact.id,
        name=started.contact.name,
    )
    await say(ctx, troll, "first insult")
    await set_blocked(ctx, team.owner, troll.contact_id, True)
    with pytest.raises(Forbidden, match="blocked"):
        await say(ctx, troll, "second insult")
    with pytest.raises(Forbidden, match="blocked"):
        await start_visitor_session(ctx, team.website.widget_key, started.token, ip="198.51.100.1")
    with pytest.raises(Forbidden, match="blocked"):  # a fresh anonymous session from the same address
        await start_visitor_session(ctx, team.website.widget_key, None, ip="203.0.113.9")
    elsewhere = await start_visitor_session(ctx, team.website.widget_key, None, ip="198.51.100.7")
    assert not elsewhere.resumed
    await set_blocked(ctx, team.owner, troll.contact_id, False)
    assert (await start_visitor_session(ctx, team.website.widget_key, None, ip="203.0.113.9")).contact


async def test_mentions_in_private_notes_notify_the_named_agent(ctx: Context) -> None:
    team = await make_team(ctx)
    grace = await make_agent(ctx, team.workspace_id, name="Grace Hopper")
    alan = await make_agent(ctx, team.workspace_id, name="Alan Turing")
    heard: dict[str, list[dict[str, object]]] = {grace.agent_id: [], alan.agent_id: []}
    for who in (grace, alan):
        ctx.bus.subscribe(
            [topics.agent(who.agent_id)], lambda m, w=who.agent_id: heard[w].append(orjson.loads(m.frame))
        )
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "weird bug")
    await say(ctx, team.owner, "@grace can you look? (not @alanx)", first.conversation_id, private=True)
    await say(ctx, team.owner, "@Alan Turing this is public, no ping", first.conversation_id)
    assert [e["event"] for e in heard[grace.agent_id]] == ["mention.created"]
    assert heard[grace.agent_id][0]["data"]["by"]["name"] == team.owner.name  # type: ignore[index]
    assert heard[alan.agent_id] == []
