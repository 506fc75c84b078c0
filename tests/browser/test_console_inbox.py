"""The agent's working surface (issue 4): two agents in two browsers, visitors through the
real widget. Live inbox, assignment and transfer, private notes, canned responses, agent
status, notifications, drafts and keyboard navigation."""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocket, expect

from tests.server import BIN, Server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("console")]

WIDGET = "#frontdesk-widget"
PAT_EMAIL = "pat.inbox@example.com"
PAT_PASSWORD = "agent-password-123"

# The browser's permission prompt lies outside the system: the page gets a Notification
# that is already granted and records what the console shows.
RECORD_NOTIFICATIONS = """
window.__notifications = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notifications.push({ title, body: (options || {}).body || "" }); }
  close() {}
};
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("inbox"), rate_limits=False).start()  # 120 chats seeded from one address
    pat = ["--email", PAT_EMAIL, "--name", "Pat Agent", "--role", "agent", "--password", PAT_PASSWORD]
    subprocess.run(
        [str(BIN), "create-agent", *pat],
        env=srv.env(),
        check=True,
        capture_output=True,
    )
    # Before any console opens: a socket reads its agent's teams when it starts.
    team_named(srv, "Billing")
    yield srv
    srv.stop()


@dataclass
class Console:
    page: Page
    context: BrowserContext

    def row(self, text: str) -> Any:
        return self.page.locator("[data-conversation-id]", has_text=text)

    def row_of(self, conversation_id: str) -> Any:
        return self.page.locator(f'[data-conversation-id="{conversation_id}"]')

    def open(self, text: str) -> None:
        self.row(text).click()
        expect(self.page.get_by_role("log").locator(".fd-message", has_text=text).first).to_be_visible()

    def open_chat(self, conversation_id: str, text: str) -> None:
        """By id: a row's preview is its latest line, and a routing line can replace the
        visitor's words there at any moment."""
        self.row_of(conversation_id).click()
        expect(self.row_of(conversation_id)).to_have_attribute("aria-current", "true")
        expect(self.page.get_by_role("log").locator(".fd-message", has_text=text).first).to_be_visible()

    def log(self) -> Any:
        return self.page.get_by_role("log")

    def notifications(self) -> list[dict[str, str]]:
        return list(self.page.evaluate("window.__notifications"))

    def wait_for_notification(self, wanted: Callable[[dict[str, str]], bool], timeout: float = 10) -> None:
        """Polled from here: the console's CSP forbids the eval that wait_for_function needs."""
        deadline = time.monotonic() + timeout
        while not any(wanted(n) for n in self.notifications()):
            assert time.monotonic() < deadline, f"no such notification in {self.notifications()}"
            self.page.wait_for_timeout(100)


@dataclass
class Visitor:
    page: Page
    context: BrowserContext
    frames: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.page.get_by_label("Type your message").fill(text)
        self.page.get_by_role("button", name="Send").click()
        expect(self.page.locator(f"{WIDGET} .fd-message", has_text=text)).to_have_count(1)

    def everything_received(self) -> str:
        return "\n".join(self.frames + self.bodies)

    def conversation_id(self) -> str:
        """Her chat, as the server named it to her widget (she has only the one)."""
        deadline = time.monotonic() + 10
        while not (found := re.search(r'"conversation_id":\s*"([0-9a-f-]{32,36})"', self.everything_received())):
            assert time.monotonic() < deadline, "the widget was never told its conversation"
            self.page.wait_for_timeout(100)
        return found.group(1)


def console_for(browser: Browser, server: Server, email: str, password: str, width: int = 1400) -> Console:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(RECORD_NOTIFICATIONS)
    page = context.new_page()
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Open conversations")).to_be_visible()
    expect(page.locator(".connection")).to_have_attribute("data-state", "online")
    return Console(page, context)


def visitor_for(browser: Browser, server: Server) -> Visitor:
    """A visitor on the demo page; everything the widget receives is kept, to search later."""
    context = browser.new_context()
    page = context.new_page()
    visitor = Visitor(page, context)

    def on_socket(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: visitor.frames.append(str(payload)))

    def on_response(response: Any) -> None:
        if "/api/v1/widget/" in response.url and "stream" not in response.url:
            with contextlib.suppress(Exception):  # a body the browser dropped (redirects, 204s)
                visitor.bodies.append(response.text())

    page.on("websocket", on_socket)
    page.on("response", on_response)
    page.goto(server.url + "/")
    page.get_by_role("button", name="Open chat").click()
    return visitor


@pytest.fixture
def owner(browser: Browser, server: Server) -> Iterator[Console]:
    console = console_for(browser, server, server.owner_email, server.owner_password)
    yield console
    console.context.close()


@pytest.fixture
def pat(browser: Browser, server: Server) -> Iterator[Console]:
    console = console_for(browser, server, PAT_EMAIL, PAT_PASSWORD)
    yield console
    console.context.close()


@pytest.fixture
def visitors(browser: Browser, server: Server) -> Iterator[list[Visitor]]:
    made: list[Visitor] = []
    yield made
    for v in made:
        v.context.close()


def team_named(server: Server, name: str) -> str:
    with server.login() as client:
        teams = client.get("/api/v1/teams").json()["items"]
        found = [t["id"] for t in teams if t["name"] == name]
        if found:
            return str(found[0])
        agents = [a["id"] for a in client.get("/api/v1/agents").json()["items"]]
        created = client.post("/api/v1/teams", json={"name": name, "member_ids": agents})
        created.raise_for_status()
        return str(created.json()["id"])


def test_both_agents_see_new_chats_assignment_and_transfer_live(
    browser: Browser, server: Server, owner: Console, pat: Console, visitors: list[Visitor]
) -> None:

    ada = visitor_for(browser, server)
    visitors.append(ada)
    ada.say("Hello from the first visitor")
    bob = visitor_for(browser, server)
    visitors.append(bob)
    bob.say("Second visitor, about an invoice")

    for agent in (owner, pat):
        expect(agent.row("Hello from the first visitor")).to_be_visible(timeout=10_000)
        expect(agent.row("Second visitor, about an invoice")).to_be_visible()
        # Nobody has read them: unread rows and the All badge, in both consoles.
        expect(agent.row("Hello from the first visitor")).to_have_attribute("data-unread", "true")
        expect(agent.page.locator("[data-folder='all'] .count")).to_have_text("2", timeout=10_000)
        # A new chat is announced (the recorded desktop notification).
        agent.wait_for_notification(lambda n: n["title"].startswith("New chat from"))

    # The owner assigns the first chat to Pat, with a note for him.
    owner.open("Hello from the first visitor")
    assignee = owner.page.locator(".conversation-header .assignee")
    expect(assignee).not_to_have_text("")
    if "Pat Agent" in assignee.inner_text():  # round robin gave it to Pat already: take it first
        owner.page.get_by_role("button", name="Assign to me").click()
        expect(assignee).to_have_text("Assigned to Owner")
    owner.page.get_by_role("button", name="Assign / transfer").click()
    dialog = owner.page.get_by_role("dialog", name="Assign or transfer")
    dialog.get_by_label("Note for the team (optional)").fill("Returning customer, be nice")
    dialog.get_by_role("list", name="Agents").get_by_role("button", name=re.compile("Pat Agent")).click()
    expect(owner.page.locator(".conversation-header .assignee")).to_have_text("Assigned to Pat Agent")
    expect(owner.log().locator(".fd-message.system", has_text="assigned the conversation to Pat Agent")).to_be_visible()

    # Pat sees it in his own view, live, and the system lines inline.
    pat.page.locator("[data-folder='mine']").click()
    expect(pat.row("Hello from the first visitor")).to_be_visible()
    expect(pat.row("Hello from the first visitor").locator(".item-meta")).to_contain_text("Pat Agent")
    pat.open("Hello from the first visitor")
    expect(
        pat.log().locator(".fd-message.system", has_text="Note from Owner: Returning customer, be nice")
    ).to_be_visible()
    expect(pat.row("Hello from the first visitor")).not_to_have_attribute("data-unread", "true")

    # Pat transfers it to the Billing team; both see the move.
    pat.page.get_by_role("button", name="Assign / transfer").click()
    pat_dialog = pat.page.get_by_role("dialog", name="Assign or transfer")
    pat_dialog.get_by_role("list", name="Teams").get_by_role("button", name="Billing").click()
    for agent in (owner, pat):
        expect(agent.log().locator(".fd-message.system", has_text="moved the conversation to Billing")).to_be_visible()
        expect(agent.page.locator(".conversation-header")).to_contain_text("Billing")

    # The visitors saw none of the agents' system lines.
    expect(ada.page.locator(f"{WIDGET} .fd-message", has_text="Returning customer")).to_have_count(0)
    assert "Returning customer" not in ada.everything_received()


def test_a_private_note_never_reaches_the_visitor(
    browser: Browser, server: Server, owner: Console, pat: Console, visitors: list[Visitor]
) -> None:
    carol = visitor_for(browser, server)
    visitors.append(carol)
    carol.say("My parcel never arrived")
    owner.open("My parcel never arrived")

    box = owner.page.get_by_label("Reply")
    owner.page.get_by_label("Private note").check()
    box.press_sequentially("@pa")
    mentions = owner.page.get_by_role("listbox", name="Mention a teammate")
    expect(mentions.get_by_role("option", name="Pat Agent")).to_be_visible()
    box.press("Enter")
    expect(box).to_have_value("@Pat Agent ")
    box.press_sequentially("secret: check the courier refund")
    box.press("Enter")
    note = owner.log().locator(".fd-message[data-private='true']", has_text="secret: check the courier refund")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("Private note")
    # Pat is told he was mentioned.
    pat.wait_for_notification(lambda n: n["title"] == "Owner mentioned you")

    owner.page.get_by_label("Private note").uncheck()
    box.fill("We are looking into it right now")
    box.press("Enter")
    expect(carol.page.locator(f"{WIDGET} .fd-message", has_text="We are looking into it right now")).to_have_count(
        1, timeout=10_000
    )
    # Reload: the widget's history comes over HTTP this time.
    carol.page.reload()
    launcher = carol.page.get_by_role("button", name="Open chat")
    if launcher.is_visible():
        launcher.click()
    expect(carol.page.locator(f"{WIDGET} .fd-message", has_text="We are looking into it right now")).to_have_count(1)

    expect(carol.page.locator(WIDGET)).not_to_contain_text("courier refund")
    received = carol.everything_received()
    assert "We are looking into it" in received  # the recording works...
    assert "courier refund" not in received  # ...and the note was never in it


def test_typing_on_after_a_mention_on_a_slow_page_keeps_the_text_in_order(
    browser: Browser, server: Server, owner: Console, pat: Console, visitors: list[Visitor]
) -> None:
    """Choosing a mention puts the caret after it once the page has painted; on a busy
    page the agent may have typed on by then, and the caret must stay where they are."""
    dora = visitor_for(browser, server)
    visitors.append(dora)
    dora.say("Where is my invoice?")
    owner.open("Where is my invoice?")
    # Paint late, as a busy machine does.
    owner.page.evaluate(
        "() => { const raf = window.requestAnimationFrame.bind(window);"
        " window.requestAnimationFrame = (cb) => raf(() => setTimeout(() => raf(cb), 300)); }"
    )
    box = owner.page.get_by_label("Reply")
    owner.page.get_by_label("Private note").check()
    box.press_sequentially("@pa")
    expect(owner.page.get_by_role("listbox", name="Mention a teammate")).to_be_visible()
    box.press("Enter")
    box.press_sequentially("please resend the invoice", delay=40)
    expect(box).to_have_value("@Pat Agent please resend the invoice")


def test_the_canned_picker_inserts_a_filled_in_response(
    browser: Browser, server: Server, owner: Console, visitors: list[Visitor]
) -> None:
    with server.login() as client:
        body = "Hi {{contact.first_name}}! {{agent.name}} here. Your plan: {{contact.plan}}."
        client.post("/api/v1/canned-responses", json={"shortcut": "welcome", "body": body, "shared": True})
        client.post(
            "/api/v1/canned-responses", json={"shortcut": "refund", "body": "Refunds take 5 days.", "shared": True}
        )
    dave = visitor_for(browser, server)
    visitors.append(dave)
    dave.say("Which plan am I on?")
    expect(owner.row("Which plan am I on?")).to_be_visible(timeout=10_000)
    conversation_id = owner.row("Which plan am I on?").get_attribute("data-conversation-id")
    with server.login() as client:
        contact = client.get(f"/api/v1/conversations/{conversation_id}").json()["contact"]
        client.patch(
            f"/api/v1/contacts/{contact['id']}", json={"custom_attributes": {"plan": "Pro"}}
        ).raise_for_status()

    owner.open("Which plan am I on?")
    box = owner.page.get_by_label("Reply")
    box.press_sequentially("/wel")
    picker = owner.page.get_by_role("listbox", name="Canned responses")
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.get_by_role("option")).to_contain_text("/welcome")
    box.press("Enter")
    first_name = contact["name"].split()[0]
    expected = f"Hi {first_name}! Owner here. Your plan: Pro."
    expect(box).to_have_value(expected)
    expect(picker).to_have_count(0)
    box.press("Enter")
    expect(dave.page.locator(f"{WIDGET} .fd-message", has_text=expected)).to_have_count(1, timeout=10_000)


def test_a_status_change_is_visible_to_a_teammate(owner: Console, pat: Console) -> None:
    pat.page.get_by_role("button", name=re.compile(r"^Team")).click()
    teammates = pat.page.get_by_role("list", name="Teammates")
    owner_row = teammates.locator("li", has_text="Owner")
    expect(owner_row).to_have_attribute("data-status", "online")

    owner.page.get_by_label("Your status").select_option("away")
    expect(owner_row).to_have_attribute("data-status", "away")
    expect(owner_row.get_by_role("img", name="Away")).to_be_visible()

    owner.page.get_by_label("Your status").select_option("online")
    expect(owner_row).to_have_attribute("data-status", "online")


def _title_count_settled(page: Page, server: Server) -> int:
    """The count in the tab title once it agrees with the server's unread count twice in
    a row: the badges refresh a moment after each event (the read of the chat just opened
    among them), later still on a loaded machine."""
    agreed = None
    for _ in range(60):
        response = page.request.get(f"{server.url}/api/v1/conversations/unread-counts")
        assert response.ok, response.text()
        counts = response.json().get("open", {})  # no status without unread chats
        count = counts.get("mine", 0) + counts.get("unassigned", 0)
        shown = re.match(r"^\((\d+)\) ", page.title())
        if (int(shown.group(1)) if shown else 0) == count:
            if agreed == count:
                return count
            agreed = count
        else:
            agreed = None
        page.wait_for_timeout(300)
    raise AssertionError(f"the tab title {page.title()!r} never settled on the server's unread count")


def _title_count_reaches(page: Page, wanted: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while True:
        shown = re.match(r"^\((\d+)\) ", page.title())
        if shown and int(shown.group(1)) >= wanted:
            return
        assert time.monotonic() < deadline, f"the tab title {page.title()!r} never counted {wanted} unread"
        page.wait_for_timeout(100)


def test_drafts_survive_switching_and_reload_and_the_keyboard_drives_the_inbox(
    browser: Browser, server: Server, visitors: list[Visitor]
) -> None:
    # A tablet-sized window: the inbox and the conversation both fit.
    agent = console_for(browser, server, server.owner_email, server.owner_password, width=768)
    try:
        erin = visitor_for(browser, server)
        visitors.append(erin)
        erin.say("Keyboard test one")
        fred = visitor_for(browser, server)
        visitors.append(fred)
        fred.say("Keyboard test two")
        page = agent.page
        # Each chat by id: routing lines (an assignment, a requeue) replace the rows'
        # previews and move them in the list while the test runs.
        one_id, two_id = erin.conversation_id(), fred.conversation_id()
        one, two = agent.row_of(one_id), agent.row_of(two_id)
        agent.open_chat(one_id, "Keyboard test one")
        page.get_by_label("Reply").fill("A draft for the first chat")
        agent.open_chat(two_id, "Keyboard test two")
        expect(page.get_by_label("Reply")).to_have_value("")
        agent.open_chat(one_id, "Keyboard test one")
        expect(page.get_by_label("Reply")).to_have_value("A draft for the first chat")
        page.reload()
        expect(page.get_by_label("Reply")).to_have_value("A draft for the first chat")

        # j/k move the highlight, Enter opens; ? lists the shortcuts. The walk goes by
        # the rows' order as shown.
        page.locator("body").click(position={"x": 5, "y": 400})
        page.keyboard.press("Escape")
        rows = page.locator("[data-conversation-id]")
        page.keyboard.press("k")
        for _ in range(10):
            page.wait_for_timeout(100)
            order = rows.evaluate_all("rs => rs.map(r => [r.dataset.conversationId, r.dataset.highlighted])")
            lit = [i for i, (_, on) in enumerate(order) if on == "true"]
            target = [cid for cid, _ in order].index(two_id)
            if lit == [target]:
                break
            page.keyboard.press("k" if not lit or target < lit[0] else "j")
        expect(two).to_have_attribute("data-highlighted", "true")
        page.keyboard.press("Enter")
        expect(two).to_have_attribute("aria-current", "true")
        page.keyboard.press("?")
        overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
        expect(overlay).to_contain_text("Next conversation")
        page.keyboard.press("Escape")
        expect(overlay).to_have_count(0)

        # A visitor writes in the chat that is not on screen: the tab title counts it, an alert fires.
        # Her chat is read just before (a routing line since the last reading makes it
        # unread again, and then her message would not change the count).
        agent.open_chat(one_id, "Keyboard test one")
        two.click()
        expect(two).to_have_attribute("aria-current", "true")
        expect(one).not_to_have_attribute("data-unread", "true")
        before = _title_count_settled(page, server)
        erin.say("Are you still there?")
        expect(one).to_have_attribute("data-unread", "true")
        # At least one more: a routing line elsewhere may add its own meanwhile.
        _title_count_reaches(page, before + 1)
        agent.wait_for_notification(lambda n: n["body"] == "Are you still there?")
    finally:
        agent.context.close()


def test_inbox_pages_through_many_conversations_rendering_only_visible_rows(server: Server, owner: Console) -> None:
    """Enough chats for three pages: the list loads more as it scrolls, the DOM stays small."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        key = server.widget_key()
        for i in range(120):
            token = http.post("/api/v1/widget/session", json={"website_key": key}).json()["token"]
            http.post(
                "/api/v1/widget/messages",
                json={"client_ref": str(uuid.uuid4()), "body": f"Bulk chat number {i}"},
                headers={"Authorization": f"Bearer {token}"},
            ).raise_for_status()
    owner.page.reload()
    rows = owner.page.locator("[data-conversation-id]")
    expect(rows.first).to_be_visible()
    assert rows.count() < 40  # windowed, not all 120+
    scroller = owner.page.locator(".list-scroller")
    for _ in range(12):
        scroller.evaluate("el => { el.scrollTop = el.scrollHeight; }")
        owner.page.wait_for_timeout(150)
    expect(owner.row("Bulk chat number 0")).to_be_visible(timeout=10_000)
    assert rows.count() < 40
    total = int(owner.page.locator(".list-scroller ul").get_attribute("aria-rowcount") or 0)
    assert total >= 120
