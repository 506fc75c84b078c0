"""Frontdesk.reset() in a real browser: a site's logout ends the visitor's session, the
widget forgets it and the next person at the computer starts as a new anonymous visitor."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_widget_support import WIDGET, Agent, Site, agent, messages, open_widget, server, site

__all__ = ["agent", "server", "site"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("widget")]

TOKEN = (
    "localStorage.getItem('frontdesk:' + "
    "document.querySelector('script[data-website-key]').dataset.websiteKey + ':token')"
)


def test_reset_logs_the_visitor_out_and_the_next_person_sees_nothing(
    browser: Browser, site: Site, agent: Agent
) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(site.page("/account", body="<script>Frontdesk.identify({externalId: 'u-hana', name: 'Hana'})</script>"))
    open_widget(tab)
    tab.get_by_label("Type your message").fill("Hana's private question")
    tab.keyboard.press("Enter")
    expect(messages(tab, "Hana's private question")).to_have_attribute("data-state", "sent")
    agent.message_from_visitor("Hana's private question")
    hana_token = tab.evaluate(TOKEN)
    other_tab = context.new_page()
    other_tab.goto(site.url + "/account")
    expect(messages(other_tab, "Hana's private question")).to_have_count(1)

    # The site's logout button.
    tab.evaluate("Frontdesk.reset()")
    expect(messages(tab, "Hana's private question")).to_have_count(0)
    # Her other tab is logged out with her: its socket is closed and it starts afresh.
    expect(messages(other_tab, "Hana's private question")).to_have_count(0, timeout=15_000)
    tab.wait_for_function(f"{TOKEN} !== null && {TOKEN} !== {hana_token!r}")
    refused = httpx.get(
        f"{site.server.url}/api/v1/widget/conversations", headers={"Authorization": f"Bearer {hana_token}"}
    )
    assert refused.status_code == 401

    # The next person on this computer: an anonymous visitor with an empty chat, even after a reload.
    tab.reload()
    open_widget(tab)
    expect(tab.locator(f"{WIDGET} .fd-panel")).to_be_visible()
    tab.wait_for_timeout(500)
    expect(messages(tab, "Hana's private question")).to_have_count(0)
    mine = httpx.get(
        f"{site.server.url}/api/v1/widget/conversations", headers={"Authorization": f"Bearer {tab.evaluate(TOKEN)}"}
    )
    assert mine.json()["items"] == []
    context.close()


def test_reset_before_the_chat_loads_and_through_the_olark_shim(browser: Browser, site: Site, agent: Agent) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(site.page("/shop"))
    open_widget(tab)
    tab.get_by_label("Type your message").fill("Ivo asks about shipping")
    tab.keyboard.press("Enter")
    expect(messages(tab, "Ivo asks about shipping")).to_have_attribute("data-state", "sent")
    ivo_token = tab.evaluate(TOKEN)

    # Later, the chat over (nothing ongoing), a logout page calls reset(): the loader ends
    # the session itself, without fetching the chat.
    fetched: list[str] = []
    tab.goto(site.page("/bare", snippet=False))
    tab.evaluate(
        "sessionStorage.clear(); Object.keys(localStorage).filter(k => k.endsWith(':ongoing'))"
        ".forEach(k => localStorage.removeItem(k))"
    )
    tab.on("request", lambda r: fetched.append(r.url))
    tab.goto(site.page("/logout", body="<script>window.addEventListener('load', () => Frontdesk.reset())</script>"))
    tab.wait_for_function(f"{TOKEN} === null")
    tab.wait_for_timeout(300)
    assert not [u for u in fetched if u.endswith("widget-app.js")]
    gone = httpx.get(f"{site.server.url}/api/v1/widget/conversations", headers={"Authorization": f"Bearer {ivo_token}"})
    assert gone.status_code == 401

    # Olark's API has no logout; the shim's api.visitor.reset does what Frontdesk.reset does.
    tab.goto(site.page("/olark-shop"))
    open_widget(tab)
    tab.get_by_label("Type your message").fill("Jo via an Olark site")
    tab.keyboard.press("Enter")
    expect(messages(tab, "Jo via an Olark site")).to_have_attribute("data-state", "sent")
    jo_token = tab.evaluate(TOKEN)
    tab.evaluate("olark('api.visitor.reset')")
    tab.wait_for_function(f"{TOKEN} !== null && {TOKEN} !== {jo_token!r}")
    expect(messages(tab, "Jo via an Olark site")).to_have_count(0)
    context.close()
