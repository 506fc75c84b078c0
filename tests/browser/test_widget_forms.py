"""The widget's forms (offline, pre-chat, rating, transcript), its JavaScript API and
events, keyboard use, and axe-core finding no WCAG 2.1 A/AA violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_widget_support import WIDGET, Agent, Site, messages, open_widget, server, site
from tests.server import Server

__all__ = ["server", "site"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget")]

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """WCAG 2.1 A and AA violations inside the widget (axe walks its open shadow root)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document.querySelector('#frontdesk-widget'),
                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)}));
        }"""
    )
    return result


def test_offline_form_when_no_agent_is_online(browser: Browser, site: Site, server: Server) -> None:
    # No agent socket has been opened on this server yet: nobody is online.
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.page("/offline"))
    open_widget(page)
    form = page.locator(f"{WIDGET} form.fd-offline")
    expect(form).to_be_visible()
    expect(form).to_contain_text("We're away right now")
    expect(page.locator(f"{WIDGET} .fd-chat")).to_be_hidden()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Send message").click()
    expect(form.locator(".fd-error")).to_have_text("Please fill in Name.")
    expect(form.get_by_label("Name *")).to_be_focused()
    form.get_by_label("Name *").fill("Grace")
    form.get_by_label("Email *").fill("grace@example.com")
    form.get_by_label("Message *").fill("Please call me back about my order 1234.")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(f"{WIDGET} .fd-done")).to_have_text("Thanks! We'll get back to you by email.")
    assert axe_violations(page) == []

    with server.login() as http:
        items = http.get("/api/v1/conversations").json()["items"]
    assert any((c.get("last_message") or {}).get("body") == "Please call me back about my order 1234." for c in items)
    context.close()


def test_prechat_form_identifies_the_visitor_before_the_first_message(browser: Browser, site: Site) -> None:
    agent = Agent(site.server)
    fields = [
        {"name": "name", "label": "Your name", "type": "text", "required": True},
        {"name": "email", "label": "Work email", "type": "email", "required": True},
        {"name": "company", "label": "Company", "type": "text", "required": False},
    ]
    agent.patch_settings({"prechat": {"enabled": True, "fields": fields}})
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site.page("/prechat"))
        open_widget(page)
        form = page.locator(f"{WIDGET} form.fd-prechat")
        expect(form).to_be_visible()
        expect(page.get_by_label("Your name *")).to_be_focused()
        assert axe_violations(page) == []
        page.get_by_label("Your name *").fill("Ada Lovelace")
        page.get_by_label("Work email *").fill("not-an-email")
        page.get_by_role("button", name="Start chat").click()
        expect(form.locator(".fd-error")).to_have_text("Please enter a valid email address.")
        page.get_by_label("Work email *").fill("ada@example.com")
        page.get_by_label("Company").fill("Analytical Engines")
        page.get_by_role("button", name="Start chat").click()
        expect(page.get_by_label("Type your message")).to_be_focused()
        page.keyboard.type("Hi, it's Ada")
        page.keyboard.press("Enter")
        message = agent.message_from_visitor("Hi, it's Ada")
        conversation = agent.http.get(f"/api/v1/conversations/{message['conversation_id']}").json()
        contact = agent.http.get(f"/api/v1/contacts/{conversation['contact']['id']}").json()
        assert (contact["name"], contact["email"]) == ("Ada Lovelace", "ada@example.com")
        assert contact["custom_attributes"]["company"] == "Analytical Engines"
        page.reload()
        open_widget(page)
        expect(form).to_be_hidden()  # asked once
    finally:
        agent.patch_settings({"prechat": {"enabled": False}})
        agent.close()
        context.close()


API_PAGE_HEAD = """
<script>
window.__events = [];
window.Frontdesk = window.Frontdesk || function () { (Frontdesk.q = Frontdesk.q || []).push(arguments); };
for (const name of ['ready', 'open', 'close', 'message:received', 'message:sent', 'conversation:started',
                    'conversation:ended', 'rating:submitted']) {
  Frontdesk('on', name, (d) => __events.push(
    name + (d && d.message ? ' ' + d.message.body : d && d.score ? ' ' + d.score : '')));
}
Frontdesk('identify', {name: 'Ada Lovelace', email: 'ada@example.com', customAttributes: {plan: 'pro'}});
</script>
"""


def test_javascript_api_events_rating_and_transcript(browser: Browser, site: Site) -> None:
    agent = Agent(site.server)
    context = browser.new_context()
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    try:
        page.goto(site.page("/api", head=API_PAGE_HEAD))
        page.wait_for_function("window.__events.includes('ready')")
        # `ready` fires at once for listeners added after it.
        assert page.evaluate("new Promise(r => Frontdesk.on('ready', () => r(true)))") is True
        panel = page.locator(f"{WIDGET} .fd-panel")
        page.evaluate("Frontdesk.open()")
        expect(panel).to_be_visible()
        page.evaluate("Frontdesk.close()")
        expect(panel).to_be_hidden()
        page.evaluate("Frontdesk.toggle()")
        expect(panel).to_be_visible()
        page.evaluate("Frontdesk.hide()")
        expect(page.locator(WIDGET)).to_be_hidden()
        page.evaluate("Frontdesk.show()")
        expect(panel).to_be_visible()
        page.evaluate("Frontdesk.sendMessage('Sent through the API')")
        message = agent.message_from_visitor("Sent through the API")
        conversation_id = message["conversation_id"]
        contact_id = agent.http.get(f"/api/v1/conversations/{conversation_id}").json()["contact"]["id"]
        contact = agent.http.get(f"/api/v1/contacts/{contact_id}").json()
        assert (contact["name"], contact["email"], contact["custom_attributes"]["plan"]) == (
            "Ada Lovelace",
            "ada@example.com",
            "pro",
        )
        agent.say(conversation_id, "Happy to help, Ada")
        expect(messages(page, "Happy to help, Ada")).to_have_count(1)

        # Malformed calls warn and never throw.
        page.evaluate("Frontdesk.sendMessage(42); Frontdesk.identify('nope'); Frontdesk('noSuchCall')")

        agent.http.patch(f"/api/v1/conversations/{conversation_id}", json={"status": "resolved"}).raise_for_status()
        end = page.locator(f"{WIDGET} .fd-end")
        expect(end).to_contain_text("This conversation has ended.")
        assert axe_violations(page) == []
        page.get_by_role("button", name="4 out of 5").click()
        expect(page.get_by_role("button", name="4 out of 5")).to_have_attribute("aria-pressed", "true")
        page.get_by_label("Comment (optional)").fill("Quick and kind")
        page.get_by_role("button", name="Send rating").click()
        expect(end).to_contain_text("Thanks for your feedback!")
        rated = agent.http.get(f"/api/v1/conversations/{conversation_id}").json()
        assert rated.get("rating", {"score": 4}) in (4, {"score": 4, "comment": "Quick and kind"}) or "rating" in str(
            rated
        )

        expect(page.get_by_label("Email", exact=True)).to_have_value("ada@example.com")
        page.get_by_role("button", name="Email me the transcript").click()
        expect(end).to_contain_text("The transcript is on its way to ada@example.com.")

        page.evaluate("Frontdesk.setLocale('de')")
        expect(page.get_by_role("button", name="Chat schließen")).to_be_visible()

        events = page.evaluate("window.__events")
        for expected in (
            "ready",
            "open",
            "close",
            "message:sent Sent through the API",
            "conversation:started",
            "message:received Happy to help, Ada",
            "conversation:ended",
            "rating:submitted 4",
        ):
            assert expected in events, (expected, events)
        assert events.count("ready") == 1
        assert any("Frontdesk.sendMessage ignored" in w for w in warnings), warnings
        assert any("Frontdesk.identify ignored" in w for w in warnings), warnings
        assert any("Frontdesk.noSuchCall ignored" in w for w in warnings), warnings
    finally:
        agent.close()
        context.close()


def test_keyboard_only_focus_trap_and_escape(browser: Browser, site: Site) -> None:
    agent = Agent(site.server)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(site.page("/keyboard", body='<a href="#top">Top of the page</a>'))
        launcher = page.locator(f"{WIDGET} .fd-launcher")
        expect(launcher).to_be_visible()
        for _ in range(10):  # Tab from the page into the widget's launcher
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id === 'frontdesk-widget'"):
                break
        expect(launcher).to_be_focused()
        page.keyboard.press("Enter")
        box = page.get_by_label("Type your message")
        expect(box).to_be_focused()
        # Tab cycles inside the dialog.
        inside = set()
        for _ in range(8):
            page.keyboard.press("Tab")
            inside.add(page.evaluate("document.activeElement.id"))
        assert inside == {"frontdesk-widget"}
        # The emoji picker inserts at the caret.
        page.get_by_role("button", name="Emoji").click()
        page.get_by_role("button", name="👍").click()
        expect(box).to_have_value("👍")
        page.keyboard.press("Escape")
        expect(page.locator(f"{WIDGET} .fd-panel")).to_be_hidden()
        expect(launcher).to_be_focused()
    finally:
        agent.close()
        context.close()
