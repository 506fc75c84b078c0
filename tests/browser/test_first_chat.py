"""A visitor and an agent chat through the real widget and console, in two browsers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server import Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("browser")).start()
    yield srv
    srv.stop()


def log_in(page: Page, server: Server) -> None:
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(server.owner_email)
    page.get_by_label("Password").fill(server.owner_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("list", name="Conversations").or_(page.get_by_label("Conversations"))).to_be_visible()


def widget_messages(page: Page) -> object:
    return page.locator("#frontdesk-widget .fd-message")


def test_visitor_and_agent_chat_live_and_history_survives_reload(browser: Browser, server: Server) -> None:
    agent_ctx = browser.new_context()
    visitor_ctx = browser.new_context()
    console = agent_ctx.new_page()
    site = visitor_ctx.new_page()
    try:
        log_in(console, server)

        site.goto(server.url + "/")
        site.get_by_role("button", name="Open chat").click()
        site.get_by_label("Type your message").fill("Hello, do you ship to Norway?")
        site.get_by_role("button", name="Send").click()
        expect(site.locator("#frontdesk-widget .fd-message", has_text="Hello, do you ship to Norway?")).to_have_count(1)

        # The console shows the new chat without a reload.
        item = console.locator("[data-conversation-id]", has_text="Hello, do you ship to Norway?")
        expect(item).to_be_visible(timeout=10_000)
        item.click()
        thread = console.get_by_role("log")
        expect(thread.locator(".fd-message", has_text="Hello, do you ship to Norway?")).to_be_visible()
        console.get_by_label("Reply").fill("Yes, we ship to all of Europe.")
        console.get_by_role("button", name="Send").click()
        expect(thread.locator(".fd-message", has_text="Yes, we ship to all of Europe.")).to_have_count(1)

        reply = site.locator("#frontdesk-widget .fd-message[data-author-type='agent']", has_text="Yes, we ship")
        expect(reply).to_have_count(1, timeout=10_000)

        site.reload()
        launcher = site.get_by_role("button", name="Open chat")
        if launcher.is_visible():
            launcher.click()
        bodies = site.locator("#frontdesk-widget .fd-message")
        expect(bodies.filter(has_text="Hello, do you ship to Norway?")).to_have_count(1)
        expect(bodies.filter(has_text="Yes, we ship to all of Europe.")).to_have_count(1)
    finally:
        agent_ctx.close()
        visitor_ctx.close()
