"""The widget's queue line: a visitor whose chat waits for a free agent sees their place
and an estimated wait, live, until an agent takes the chat."""

from __future__ import annotations

import asyncio
import re
import threading
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from frontdesk.agents.models import Agent
from frontdesk.agents.queries import actor_for
from frontdesk.routing.availability import AgentChanges, set_status, update_agent
from frontdesk.routing.teams import RuleSpec, TeamSpec, save_rule, save_team
from tests.browser.test_widget_support import WIDGET, messages, open_widget, server
from tests.factories import make_agent
from tests.server import Server

__all__ = ["server"]  # the module-scoped server of the widget tests: this module gets its own

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget")]


async def _one_agent_with_one_seat(srv: Server) -> None:
    """Through the server's own Python API: a team of one online agent with capacity 1,
    which a catch-all rule routes every new chat to."""
    ctx = srv.context()
    try:
        async with ctx.db.reader() as session:
            row = await session.scalar(select(Agent).where(Agent.email == srv.owner_email))
        assert row is not None
        owner = await actor_for(ctx.db, row)
        agent = await make_agent(ctx, owner.workspace_id, name="Queue Keeper")
        team = await save_team(ctx, owner, TeamSpec(name="Queue", member_ids=[agent.agent_id]))
        await save_rule(ctx, owner, RuleSpec(name="everything", team_id=team.id, conditions=[]))
        await update_agent(ctx, owner, agent.agent_id, AgentChanges(max_chats=1))
        # No console socket: the agent stays online (the 0.3 s offline grace needs a socket to close).
        await set_status(ctx, agent, agent.agent_id, "online")
    finally:
        await ctx.db.dispose()


def run_async(coro: Any) -> None:
    """Sync Playwright keeps an event loop on this thread: run the coroutine on another."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro)
        except BaseException as error:  # re-raised on the test's thread
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the setup did not finish"
    if errors:
        raise errors[0]


def visitor_writes(browser: Browser, srv: Server, body: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(srv.url + "/")
    open_widget(page)
    page.get_by_label("Type your message").fill(body)
    page.keyboard.press("Enter")
    expect(messages(page, body)).to_have_attribute("data-state", "sent")
    return context, page


def conversation_with(srv: Server, body: str) -> str:
    with srv.login() as http:
        items = http.get("/api/v1/conversations", params={"limit": 50}).json()["items"]
    return next(str(c["id"]) for c in items if (c.get("last_message") or {}).get("body") == body)


def test_queued_visitors_see_their_place_live_until_an_agent_takes_the_chat(browser: Browser, server: Server) -> None:
    run_async(_one_agent_with_one_seat(server))
    contexts: list[BrowserContext] = []
    try:
        pages = []
        for i in (1, 2, 3):
            context, page = visitor_writes(browser, server, f"Hello from visitor {i}")
            contexts.append(context)
            pages.append(page)
        first, second, third = pages
        line = [p.locator(f"{WIDGET} .fd-queue") for p in pages]

        # Nobody else waits: default handling time 5 min per chat, one agent online.
        expect(line[1]).to_have_text("You are number 1 in line · about 5 min")
        expect(line[2]).to_have_text("You are number 2 in line · about 10 min")
        for queued in line[1:]:
            expect(queued).to_be_visible()
            expect(queued).to_have_attribute("role", "status")  # announced politely, focus untouched
        expect(line[0]).to_have_text("")  # the first chat went straight to the agent
        expect(line[0]).to_be_hidden()
        assert third.evaluate("document.activeElement?.id") == "frontdesk-widget"  # still the composer's
        assert third.evaluate("document.getElementById('frontdesk-widget').shadowRoot.activeElement.id") == "fd-input"

        # The agent resolves the first chat: their seat goes to the second, the third moves up.
        third.evaluate("window.stillThisPage = true")
        with server.login() as http:
            conversation = conversation_with(server, "Hello from visitor 1")
            response = http.patch(f"/api/v1/conversations/{conversation}", json={"status": "resolved"})
            assert response.status_code == 200, response.text
        expect(line[1]).to_have_text("")
        expect(line[1]).to_be_hidden()
        expect(line[2]).to_have_text(re.compile(r"^You are number 1 in line · "))
        assert third.evaluate("window.stillThisPage") is True  # live, without a reload
        expect(messages(second, "Hello from visitor 2")).to_have_count(1)
        expect(line[0]).to_have_text("")
        assert first.locator(f"{WIDGET} .fd-queue").count() == 1
    finally:
        for context in contexts:
            context.close()
