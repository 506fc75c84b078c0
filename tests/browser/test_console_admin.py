"""The console's admin and supervisor surfaces in real browsers: teams and routing rules
set up in settings route a real chat, an invite link makes a working account, and the
supervisor view shows each agent's load and whispers that never reach the visitor."""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.server import BIN, Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("console-admin")]

WIDGET = "#frontdesk-widget"
PAT_EMAIL = "pat.agent@example.com"
SUE_EMAIL = "sue.supervisor@example.com"
PASSWORD = "agent-password-123"


def create_agent(server: Server, email: str, name: str, role: str) -> None:
    subprocess.run(
        [str(BIN), "create-agent", "--email", email, "--name", name, "--role", role, "--password", PASSWORD],
        env=server.env(),
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("console-admin")).start()
    create_agent(srv, PAT_EMAIL, "Pat Agent", "agent")
    create_agent(srv, SUE_EMAIL, "Sue Supervisor", "supervisor")
    yield srv
    srv.stop()


def log_in(page: Page, server: Server, email: str, password: str) -> None:
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts made by the test, closed after it."""
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def console_of(browser: Browser, contexts: list[BrowserContext], server: Server, email: str, password: str) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    contexts.append(context)
    page = context.new_page()
    log_in(page, server, email, password)
    return page


def open_settings(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings sections").get_by_role("link", name=section).click()


def open_widget(site: Page) -> None:
    """Opens the chat panel (after a reload it may be open already)."""
    site.locator(f"{WIDGET} .fd-launcher:visible, {WIDGET} .fd-panel:visible").first.wait_for()
    if site.locator(f"{WIDGET} .fd-launcher").is_visible():
        site.locator(f"{WIDGET} .fd-launcher").click()
    site.locator(f"{WIDGET} .fd-panel").wait_for(state="visible")


def id_of(client: httpx.Client, path: str, name: str) -> str:
    return str(next(i["id"] for i in client.get(path).json()["items"] if i["name"] == name))


def wait_for(check: Any, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_team_and_rule_made_in_settings_route_a_new_chat(
    browser: Browser, contexts: list[BrowserContext], server: Server
) -> None:
    console = console_of(browser, contexts, server, server.owner_email, server.owner_password)
    open_settings(console, "Teams")
    console.get_by_label("New team name").fill("Billing")
    console.get_by_role("button", name="Create team").click()
    team = console.get_by_role("form", name="Billing")
    team.get_by_label("Owner").check()
    team.get_by_label("Assignment").select_option("least_busy")
    team.get_by_label("Only open during business hours").check()
    team.get_by_label("Time zone").fill("Pacific/Auckland")
    team.get_by_role("button", name="Save").click()
    expect(team.get_by_role("status")).to_have_text("✓ Saved")

    open_settings(console, "Routing rules")
    console.get_by_role("button", name="Add rule").click()
    rule = console.get_by_role("form", name="New rule")
    rule.get_by_label("Rule name").fill("Pricing questions")
    rule.get_by_label("Team").select_option(label="Billing")
    rule.get_by_label("Field", exact=True).select_option("url")
    rule.get_by_label("Test").select_option("contains")
    rule.get_by_label("Value").fill("page=pricing")
    rule.get_by_role("button", name="Save").click()
    expect(console.get_by_role("form", name="Pricing questions")).to_be_visible()

    with server.login() as owner:
        billing = id_of(owner, "/api/v1/teams", "Billing")
        saved = owner.get("/api/v1/teams").json()["items"]
        hours = next(t for t in saved if t["id"] == billing)
        assert hours["strategy"] == "least_busy" and hours["business_hours"]["time_zone"] == "Pacific/Auckland"
        rules = owner.get("/api/v1/routing-rules").json()["items"]
        assert [(r["name"], r["team_id"], r["conditions"]) for r in rules] == [
            ("Pricing questions", billing, [{"field": "url", "op": "contains", "value": "page=pricing"}])
        ]
        # Business hours back to "always open", so the widget takes the chat below.
        owner.patch(f"/api/v1/teams/{billing}", json={"business_hours": None}).raise_for_status()

    visitor = browser.new_context()
    contexts.append(visitor)
    site = visitor.new_page()
    marker = uuid.uuid4().hex[:8]
    site.goto(f"{server.url}/?page=pricing&ref={marker}")
    open_widget(site)
    with server.login() as owner:  # the page view that routing reads is stored
        wait_for(
            lambda: any(marker in v["current_page"]["url"] for v in owner.get("/api/v1/visitors/live").json()["items"])
        )
    site.get_by_label("Type your message").fill(f"How much is the tent? {marker}")
    site.get_by_role("button", name="Send").click()

    with server.login() as owner:
        chat = wait_for(
            lambda: next(
                (
                    c
                    for c in owner.get("/api/v1/conversations").json()["items"]
                    if marker in (c["last_message"] or {}).get("body", "")
                ),
                None,
            )
        )
        assert chat["team_id"] == billing


def test_an_invite_link_lets_a_new_agent_sign_in(
    browser: Browser, contexts: list[BrowserContext], server: Server
) -> None:
    console = console_of(browser, contexts, server, server.owner_email, server.owner_password)
    open_settings(console, "Agents")
    invite = console.get_by_role("form", name="Invite an agent")
    invite.get_by_label("Email").fill("ivy@example.com")
    invite.get_by_label("Role").select_option("supervisor")
    invite.get_by_role("button", name="Create invite link").click()
    link = invite.get_by_label(re.compile("Invite link"))
    expect(link).to_have_value(re.compile(r"/console/invite/"))
    url = link.input_value()
    expect(console.get_by_text("ivy@example.com · Supervisor")).to_be_visible()

    newcomer = browser.new_context()
    contexts.append(newcomer)
    page = newcomer.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile("Join"))).to_be_visible()
    expect(page.get_by_text("ivy@example.com")).to_be_visible()
    page.get_by_label("Your name").fill("Ivy Newcomer")
    page.get_by_label("Choose a password").fill("ivy-password-123")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/console$"))
    me = page.request.get(server.url + "/api/v1/me").json()
    assert (me["agent"]["name"], me["agent"]["role"]) == ("Ivy Newcomer", "supervisor")

    # The link is spent; the password works from now on.
    again = browser.new_context()
    contexts.append(again)
    spent = again.new_page()
    spent.goto(url)
    expect(spent.get_by_role("alert")).to_contain_text("not valid any more")
    log_in(spent, server, "ivy@example.com", "ivy-password-123")


def test_the_supervisor_sees_load_and_whispers_never_reach_the_visitor(
    browser: Browser, contexts: list[BrowserContext], server: Server
) -> None:
    pat = console_of(browser, contexts, server, PAT_EMAIL, PASSWORD)
    visitor = browser.new_context()
    contexts.append(visitor)
    site = visitor.new_page()
    site.goto(server.url + "/")
    open_widget(site)
    marker = uuid.uuid4().hex[:8]
    site.get_by_label("Type your message").fill(f"Can I get a discount? {marker}")
    site.get_by_role("button", name="Send").click()
    expect(site.locator(f"{WIDGET} .fd-message", has_text=marker)).to_have_count(1)

    with server.login() as owner:
        chat = wait_for(
            lambda: next(
                (
                    c
                    for c in owner.get("/api/v1/conversations").json()["items"]
                    if marker in (c["last_message"] or {}).get("body", "")
                ),
                None,
            )
        )
        pat_id = next(a["id"] for a in owner.get("/api/v1/agents").json()["items"] if a["email"] == PAT_EMAIL)
        if (chat["assignee"] or {}).get("id") != pat_id:
            owner.patch(f"/api/v1/conversations/{chat['id']}", json={"assignee_id": pat_id}).raise_for_status()
        load = next(a for a in owner.get("/api/v1/agents").json()["items"] if a["id"] == pat_id)

    sue = console_of(browser, contexts, server, SUE_EMAIL, PASSWORD)
    sue.get_by_role("navigation", name="Main").get_by_role("link", name="Supervisor").click()
    pat_row = sue.locator(f"tr[data-agent-id='{pat_id}']")
    expect(pat_row).to_contain_text("Pat Agent")
    expect(pat_row.get_by_test_id("agent-load")).to_have_text(f"{load['open_chats']} / {load['max_chats']}")
    assert load["open_chats"] >= 1

    row = sue.locator(f".chat-row[data-conversation-id='{chat['id']}']")
    expect(row).to_contain_text("Pat Agent")
    row.get_by_role("button", name="Monitor").click()
    monitor = sue.get_by_role("region", name=re.compile("Monitor"))
    expect(monitor.get_by_role("log")).to_contain_text(marker)

    whisper = f"Whisper: offer ten percent {marker}"
    monitor.get_by_label("Whisper to the agent").fill(whisper)
    monitor.get_by_role("button", name="Whisper", exact=True).click()
    expect(monitor.get_by_role("log").locator(".fd-message[data-private='true']", has_text=whisper)).to_be_visible()

    # Pat sees the whisper in the chat, marked private ...
    pat.locator("[data-conversation-id]", has_text=marker).first.click()
    expect(pat.get_by_role("log").locator(".fd-message[data-private='true']", has_text=whisper)).to_be_visible(
        timeout=10_000
    )
    # ... the visitor never does: not live (a public reply sent after it arrives, the
    # whisper does not), not after a reload, not in their history.
    pat.get_by_label("Reply").fill(f"Let me check that for you {marker}")
    pat.get_by_role("button", name="Send").click()
    widget_messages = site.locator(f"{WIDGET} .fd-message")
    expect(widget_messages.filter(has_text="Let me check that for you")).to_have_count(1, timeout=10_000)
    expect(widget_messages.filter(has_text="offer ten percent")).to_have_count(0)

    monitor.get_by_role("button", name="Take over").click()
    expect(monitor).to_contain_text("You hold this chat now.")
    site.reload()
    open_widget(site)
    expect(widget_messages.filter(has_text="Let me check that for you")).to_have_count(1)
    expect(widget_messages.filter(has_text="offer ten percent")).to_have_count(0)
    key = server.widget_key()
    token = site.evaluate(f"localStorage.getItem('frontdesk:{key}:token')")
    history = httpx.get(
        f"{server.url}/api/v1/widget/conversations/{chat['id']}/messages",
        params={"after_seq": 0},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]
    assert any(marker in m["body"] for m in history)
    assert not any("offer ten percent" in m["body"] for m in history)

    with server.login() as owner:
        sue_id = next(a["id"] for a in owner.get("/api/v1/agents").json()["items"] if a["email"] == SUE_EMAIL)
        assert owner.get(f"/api/v1/conversations/{chat['id']}").json()["assignee"]["id"] == sue_id


def test_a_chat_that_arrives_out_of_hours_is_marked_in_the_console(
    browser: Browser, contexts: list[BrowserContext], server: Server
) -> None:
    """The website's default team is open, but a rule sends this page to a team that is
    closed every day: the chat still arrives, and the console says it came out of hours."""
    marker = uuid.uuid4().hex[:8]
    with server.login() as owner:
        team = owner.post(
            "/api/v1/teams",
            json={"name": f"Night {marker}", "business_hours": {"time_zone": "Asia/Tokyo", "weekly": {}}},
        )
        team.raise_for_status()
        rule = owner.post(
            "/api/v1/routing-rules",
            json={
                "name": f"Night desk {marker}",
                "team_id": team.json()["id"],
                "conditions": [{"field": "url", "op": "contains", "value": f"night={marker}"}],
            },
        )
        rule.raise_for_status()
    console = console_of(browser, contexts, server, server.owner_email, server.owner_password)

    visitor = browser.new_context()
    contexts.append(visitor)
    site = visitor.new_page()
    site.goto(f"{server.url}/?night={marker}")
    open_widget(site)
    with server.login() as owner:
        wait_for(
            lambda: any(marker in v["current_page"]["url"] for v in owner.get("/api/v1/visitors/live").json()["items"])
        )
    site.get_by_label("Type your message").fill(f"Anyone awake? {marker}")
    site.get_by_role("button", name="Send").click()

    row = console.locator(".conversation-item", has_text=marker)
    expect(row).to_contain_text("Out of hours")
    row.click()
    expect(console.locator(".conversation-header .out-of-hours")).to_be_visible()
