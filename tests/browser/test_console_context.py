"""What the console shows around a chat, driven in real browsers: the visitor sidebar that
follows the visitor's page, live visitors and chats started from there, and search."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.server import Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("console-context")]

WIDGET = "#frontdesk-widget"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("console-context")).start()
    yield srv
    srv.stop()


@pytest.fixture
def console(browser: Browser, server: Server) -> Iterator[Page]:
    """The owner's console, wide enough for the inbox, the chat and the sidebar."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(server.owner_email)
    page.get_by_label("Password").fill(server.owner_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    yield page
    context.close()


@pytest.fixture
def visitor(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


def open_widget(site: Page) -> None:
    launcher = site.get_by_role("button", name="Open chat")
    launcher.wait_for()
    launcher.click()
    site.locator(f"{WIDGET} .fd-panel").wait_for(state="visible")


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def test_the_sidebar_follows_the_visitor_from_page_to_page(
    console: Page, visitor: BrowserContext, server: Server
) -> None:
    site = visitor.new_page()
    site.goto(server.url + "/")
    open_widget(site)
    site.get_by_label("Type your message").fill("Which tent is lightest?")
    site.get_by_role("button", name="Send").click()

    console.locator("[data-conversation-id]", has_text="Which tent is lightest?").click()
    sidebar = console.get_by_role("complementary", name="Visitor details")
    current = sidebar.get_by_test_id("current-page")
    expect(current).to_contain_text(server.url + "/", timeout=10_000)
    expect(sidebar).to_contain_text("Anonymous")
    expect(sidebar).to_contain_text("Chrome")  # from the visitor's User-Agent
    expect(sidebar).to_contain_text("Direct visit")

    # The visitor moves on: the widget loads on the next page and reports it; the
    # sidebar follows without a reload.
    site.goto(server.url + "/?page=pricing")
    expect(current).to_contain_text("/?page=pricing", timeout=10_000)
    recent = sidebar.get_by_role("region", name="Recent pages").or_(sidebar.locator(".page-trail"))
    expect(recent.first).to_contain_text("Frontdesk demo")

    # The agent fills in who this is; the server keeps it and the badge changes.
    sidebar.get_by_role("button", name="Edit contact").click()
    form = sidebar.get_by_role("form", name="Edit contact")
    form.get_by_label("Name").fill("Ada Lovelace")
    form.get_by_label("Email").fill("ada@example.com")
    form.get_by_label("Company").fill("Analytical Engines")
    form.get_by_role("button", name="Save").click()
    expect(sidebar.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(sidebar).to_contain_text("Identified")
    expect(sidebar).to_contain_text("Analytical Engines")
    with server.login() as owner:
        contacts = owner.get("/api/v1/contacts", params={"q": "ada@example.com"}).json()["items"]
        assert contacts[0]["custom_attributes"] == {"company": "Analytical Engines"}


def test_a_chat_started_from_live_visitors_reaches_the_widget(
    console: Page, visitor: BrowserContext, server: Server
) -> None:
    marker = uuid.uuid4().hex[:8]
    site = visitor.new_page()
    site.goto(f"{server.url}/?page=support&ref={marker}")
    open_widget(site)  # the widget's session records the page view
    with server.login() as owner:
        for _ in range(100):
            if any(marker in v["current_page"]["url"] for v in owner.get("/api/v1/visitors/live").json()["items"]):
                break
            time.sleep(0.1)

    nav(console, "Live visitors")
    row = console.locator(".live-row", has_text=marker)
    expect(row).to_be_visible(timeout=10_000)
    row.get_by_role("button", name="Start chat").click()
    row.get_by_label("First message").fill(f"Hello {marker}, can I help you find a tent?")
    row.get_by_role("button", name="Send").click()
    expect(row.get_by_role("status")).to_contain_text("Sent")

    greeting = site.locator(f"{WIDGET} .fd-message[data-author-type='agent']", has_text=f"Hello {marker}")
    expect(greeting).to_have_count(1, timeout=10_000)

    # The same chat is in the agent's inbox, and the visitor's answer arrives there.
    site.get_by_label("Type your message").fill("Yes please, a two-person one")
    site.get_by_role("button", name="Send").click()
    row.get_by_role("button", name="Open chat").click()
    expect(console.get_by_role("log").locator(".fd-message", has_text="a two-person one")).to_be_visible(timeout=10_000)


def test_search_finds_a_message_by_a_word_in_it(console: Page, server: Server) -> None:
    word = "quokka" + uuid.uuid4().hex[:6]
    with httpx.Client(base_url=server.url, timeout=10) as http:
        token = http.post("/api/v1/widget/session", json={"website_key": server.widget_key()}).json()["token"]
        http.post(
            "/api/v1/widget/messages",
            json={"client_ref": str(uuid.uuid4()), "body": f"My {word} ate the tent pegs, do you sell spares?"},
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()

    nav(console, "Search")
    console.get_by_label("Search messages and contacts").fill(word)
    console.get_by_role("button", name="Search", exact=True).click()
    hit = console.locator(".result", has_text="ate the tent pegs")
    expect(hit).to_have_count(1)
    console.get_by_label("Search messages and contacts").fill("nothing-like-this-anywhere")
    console.get_by_role("button", name="Search", exact=True).click()
    expect(console.get_by_text("Nothing found")).to_be_visible()

    console.get_by_label("Search messages and contacts").fill(word)
    console.get_by_role("search").get_by_label("Status", exact=True).select_option("open")
    console.get_by_role("button", name="Search", exact=True).click()
    hit.click()
    expect(console.get_by_role("log").locator(".fd-message", has_text="ate the tent pegs")).to_be_visible()
