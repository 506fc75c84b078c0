"""Where WebSockets are blocked, the widget falls back to HTTP (SSE stream + POST) and
keeps the protocol's promise: nothing lost, nothing twice, offline messages queued."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_widget_support import WIDGET, Agent, Site, agent, messages, open_widget, server, site

__all__ = ["agent", "server", "site"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget")]

# A network that kills every WebSocket before it opens (some proxies and antivirus do).
BLOCK_WEBSOCKETS = """
window.__wsAttempts = 0;
window.WebSocket = class extends EventTarget {
  constructor(url) {
    super();
    window.__wsAttempts++;
    this.url = url; this.readyState = 0;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    setTimeout(() => {
      this.readyState = 3;
      const error = new Event('error'); this.dispatchEvent(error); this.onerror && this.onerror(error);
      const close = new CloseEvent('close', {code: 1006});
      this.dispatchEvent(close); this.onclose && this.onclose(close);
    }, 20);
  }
  send() { throw new Error('not open'); }
  close() {}
};
"""


def test_blocked_websockets_fall_back_to_http_both_ways_without_loss_or_duplicates(
    browser: Browser, site: Site, agent: Agent
) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(BLOCK_WEBSOCKETS)
    streams: list[str] = []
    page.on("request", lambda r: streams.append(r.url) if "/widget/stream" in r.url else None)
    page.goto(site.page("/blocked"))
    open_widget(page)
    expect(page.locator(f"{WIDGET} .fd-status")).to_have_text("We're online", timeout=10_000)
    assert page.evaluate("window.__wsAttempts") == 2
    assert streams

    box = page.get_by_label("Type your message")
    sent = [f"fallback message {i}" for i in range(5)]
    for body in sent:
        box.fill(body)
        box.press("Enter")
    conversation = agent.message_from_visitor(sent[0])["conversation_id"]
    for body in sent:
        agent.message_from_visitor(body)
        expect(messages(page, body)).to_have_attribute("data-state", "sent")
    replies = [f"agent reply {i}" for i in range(5)]
    for body in replies:
        agent.say(conversation, body)
    for body in replies:
        expect(messages(page, body)).to_have_count(1)

    # Typing travels over HTTP too.
    box.press_sequentially("typing over http")
    agent.wait(lambda f: f.get("event") == "typing.started" and f["data"]["author"]["type"] == "visitor")
    box.fill("")

    # Offline: the message waits, then goes once when the network is back.
    context.set_offline(True)
    box.fill("written while offline")
    box.press("Enter")
    expect(messages(page, "written while offline")).to_have_attribute("data-state", "sending")
    page.wait_for_timeout(500)
    context.set_offline(False)
    expect(messages(page, "written while offline")).to_have_attribute("data-state", "sent", timeout=20_000)
    agent.say(conversation, "got it after the outage")
    expect(messages(page, "got it after the outage")).to_have_count(1)

    page.reload()
    open_widget(page)
    for body in [*sent, *replies, "written while offline", "got it after the outage"]:
        expect(messages(page, body)).to_have_count(1)
    agent.message_from_visitor("written while offline")
    for body in [*sent, "written while offline"]:
        assert len(agent.messages(body)) == 1, body
    context.close()
