"""The console's widget settings, first-login checklist, attachments and message safety,
driven in real browsers against a real server."""

from __future__ import annotations

import base64
import re
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.server import BIN, Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("console")]

WIDGET = "#frontdesk-widget"
AGENT_EMAIL = "plain.agent@example.com"
AGENT_PASSWORD = "agent-password-123"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("console")).start()
    subprocess.run(
        [
            str(BIN),
            "create-agent",
            "--email",
            AGENT_EMAIL,
            "--name",
            "Pat Agent",
            "--role",
            "agent",
            "--password",
            AGENT_PASSWORD,
        ],
        env=srv.env(),
        check=True,
        capture_output=True,
    )
    yield srv
    srv.stop()


@pytest.fixture
def console(browser: Browser, server: Server) -> Iterator[Page]:
    """The owner's console, with the clipboard open to the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    log_in(page, server, server.owner_email, server.owner_password)
    yield page
    context.close()


def log_in(page: Page, server: Server, email: str, password: str) -> None:
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Open conversations")).to_be_visible()


def open_settings(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/console/settings$"))
    expect(page.get_by_role("heading", name="Widget settings")).to_be_visible()


def open_widget(site: Page) -> None:
    site.locator(f"{WIDGET} .fd-launcher:visible, {WIDGET} .fd-panel:visible").first.wait_for()
    if site.locator(f"{WIDGET} .fd-launcher").is_visible():
        site.locator(f"{WIDGET} .fd-launcher").click()
    site.locator(f"{WIDGET} .fd-panel").wait_for(state="visible")


def visitor_says(server: Server, body: str) -> dict[str, Any]:
    """A visitor writes through the widget's REST API (no browser needed)."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        session = http.post("/api/v1/widget/session", json={"website_key": server.widget_key()})
        session.raise_for_status()
        headers = {"Authorization": f"Bearer {session.json()['token']}"}
        sent = http.post(
            "/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": body}, headers=headers
        )
        sent.raise_for_status()
        return dict(sent.json())


def website(server: Server) -> dict[str, Any]:
    with server.login() as client:
        return dict(client.get("/api/v1/websites").json()["items"][0])


def restore_defaults(server: Server) -> None:
    with server.login() as client:
        site_id = client.get("/api/v1/websites").json()["items"][0]["id"]
        defaults = {"title": "Chat with us", "primary_color": "#2563eb", "position": "right", "offset_x": 20}
        client.patch(f"/api/v1/websites/{site_id}", json={"settings": defaults}).raise_for_status()


def test_admin_changes_the_widget_and_open_widgets_follow_live(browser: Browser, server: Server, console: Page) -> None:
    visitor: BrowserContext = browser.new_context()
    site = visitor.new_page()
    try:
        site.goto(server.url + "/")
        open_widget(site)
        expect(site.locator(f"{WIDGET} .fd-panel")).to_be_visible()

        open_settings(console)
        preview = console.locator(".widget-preview")
        console.get_by_label("Title", exact=True).fill("Talk to Acme")
        # The preview follows the form before anything is saved.
        expect(preview.locator(".pv-title")).to_have_text("Talk to Acme")
        console.get_by_label("Primary color (hex)").fill("#16a34a")
        expect(preview.locator(".pv-launcher")).to_have_css("background-color", "rgb(22, 163, 74)")
        console.get_by_label("Launcher position").select_option("left")
        expect(preview).to_have_attribute("data-position", "left")
        box = preview.locator(".pv-launcher").bounding_box()
        frame = preview.bounding_box()
        assert box is not None and frame is not None and box["x"] < frame["x"] + frame["width"] / 2

        console.get_by_role("button", name="Save changes").click()
        expect(console.get_by_role("status").filter(has_text="Saved")).to_be_visible()
        saved = website(server)["settings"]
        assert (saved["title"], saved["primary_color"], saved["position"]) == ("Talk to Acme", "#16a34a", "left")

        # The open widget applies website.updated without a reload.
        expect(site.locator(f"{WIDGET} .fd-title")).to_have_text("Talk to Acme", timeout=10_000)
        expect(site.locator(f"{WIDGET} .fd-header")).to_have_css("background-color", "rgb(22, 163, 74)")
        site.locator(f"{WIDGET} .fd-close").click()
        launcher = site.locator(f"{WIDGET} .fd-launcher")
        expect(launcher).to_be_visible()
        launcher_box = launcher.bounding_box()
        assert launcher_box is not None and launcher_box["x"] < 100
    finally:
        visitor.close()
        restore_defaults(server)


def test_a_refused_value_shows_the_servers_message_next_to_its_field(server: Server, console: Page) -> None:
    open_settings(console)
    offset = console.get_by_label("Side offset (px)")
    offset.fill("9999")
    console.get_by_role("button", name="Save changes").click()
    error = console.locator('.field-error[data-field="settings.offset_x"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("400")
    expect(offset).to_have_attribute("aria-invalid", "true")
    expect(offset).to_be_focused()
    assert website(server)["settings"]["offset_x"] == 20  # nothing was saved


def test_copy_snippet_puts_the_snippet_on_the_clipboard(server: Server, console: Page) -> None:
    open_settings(console)
    snippet = website(server)["snippet"]
    expect(console.get_by_label("Embed snippet")).to_have_value(snippet)
    console.get_by_role("button", name="Copy snippet").click()
    expect(console.get_by_role("button", name="✓ Copied")).to_be_visible()
    assert console.evaluate("navigator.clipboard.readText()") == snippet


def test_identity_secret_is_shown_once_and_replacing_it_asks_first(server: Server, console: Page) -> None:
    open_settings(console)
    section = console.locator("section", has=console.get_by_role("heading", name="Identity verification"))
    expect(section.locator(".badge")).to_have_text("Off")
    section.get_by_role("button", name="Generate secret").click()
    secret = section.get_by_label("Identity secret")
    expect(secret).to_have_value(re.compile(r"^[\w-]{20,}$"))
    expect(section).to_contain_text("hex(HMAC-SHA256(secret, external_id))")
    expect(section.locator(".badge")).to_have_text("On")
    first = secret.input_value()
    section.get_by_role("button", name="I have stored it").click()
    expect(secret).to_have_count(0)

    section.get_by_role("button", name="Generate a new secret").click()
    section.get_by_role("button", name="Cancel").click()
    section.get_by_role("button", name="Generate a new secret").click()
    section.get_by_role("button", name="Replace secret").click()
    expect(section.get_by_label("Identity secret")).not_to_have_value(first)
    assert website(server)["identity_verification"] is True


def test_a_plain_agent_has_only_their_own_settings(browser: Browser, server: Server) -> None:
    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, server, AGENT_EMAIL, AGENT_PASSWORD)
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
        page.goto(server.url + "/console/settings")
        # Their canned responses, API tokens and security; not the widget, agents, teams or rules.
        sections = page.get_by_role("navigation", name="Settings sections")
        expect(sections.get_by_role("link")).to_have_text(["Canned responses", "API tokens", "Security"])
        expect(page.get_by_text("are changed by owners and admins")).to_be_visible()
        expect(page.get_by_label("Title", exact=True)).to_have_count(0)
        page.goto(server.url + "/console/settings/teams")
        expect(page.get_by_role("heading", name="Canned responses")).to_be_visible()
        expect(page.get_by_role("heading", name="Teams")).to_have_count(0)
    finally:
        context.close()


def test_first_login_checklist_can_be_dismissed_for_good(server: Server, console: Page) -> None:
    checklist = console.get_by_role("region", name="Get started")
    expect(checklist).to_be_visible()
    expect(checklist).to_contain_text("Copy the snippet for your site")
    expect(checklist).to_contain_text("frontdesk create-agent")
    demo = checklist.get_by_role("link", name="Open the demo page")
    expect(demo).to_have_attribute("href", "/")
    expect(demo).to_have_attribute("target", "_blank")
    checklist.get_by_role("button", name="Copy snippet").click()
    assert console.evaluate("navigator.clipboard.readText()") == website(server)["snippet"]
    expect(checklist).to_contain_text("1 of 3 done")

    checklist.get_by_role("button", name="Dismiss the checklist").click()
    expect(checklist).to_have_count(0)
    console.reload()
    expect(console.get_by_role("heading", name="Open conversations")).to_be_visible()
    expect(console.get_by_role("region", name="Get started")).to_have_count(0)


def test_agent_sends_an_image_and_sees_a_thumbnail(server: Server, console: Page) -> None:
    visitor_says(server, "Can you send me a picture of the tent?")
    item = console.locator("[data-conversation-id]", has_text="picture of the tent")
    expect(item).to_be_visible(timeout=10_000)
    item.click()
    console.get_by_label("Choose files to attach").set_input_files(
        {"name": "tent.png", "mimeType": "image/png", "buffer": PNG}
    )
    expect(console.locator(".file-chip", has_text="tent.png")).to_have_attribute("data-state", "ready")
    console.get_by_role("button", name="Send", exact=True).click()

    thumb = console.get_by_role("log").locator(".fd-message[data-author-type='agent'] a.thumbnail")
    expect(thumb).to_have_count(1, timeout=10_000)
    expect(thumb).to_have_attribute("target", "_blank")
    expect(thumb).to_have_attribute("rel", "noopener noreferrer")
    image = thumb.locator("img")
    expect(image).to_have_attribute("alt", "tent.png")
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.naturalWidth") == 2
    expect(console.locator(".file-chip")).to_have_count(0)


def test_visitor_markup_and_script_links_stay_text(server: Server, console: Page) -> None:
    body = "<img src=x onerror=window.__pwned=1> try javascript:alert(1) or https://example.com/help."
    visitor_says(server, body)
    item = console.locator("[data-conversation-id]", has_text="try javascript:alert(1)")
    expect(item).to_be_visible(timeout=10_000)
    item.click()
    message = console.get_by_role("log").locator(".fd-message", has_text="onerror")
    expect(message.locator(".body")).to_have_text(body)
    assert message.locator("img").count() == 0
    link = message.locator("a")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("href", "https://example.com/help")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    assert console.locator("a[href^='javascript:' i]").count() == 0
    assert console.evaluate("window.__pwned") is None
