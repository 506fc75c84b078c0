"""Account security in a real browser: an agent enrols an authenticator app (its codes
computed here with pyotp), then logs in with a code and with a recovery code, which
works once; and a forgotten password is reset from the emailed link."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from email.message import Message

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.server import BIN, Server
from tests.smtp import Inbox, smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("console-security")]

SAM_EMAIL = "sam.agent@example.com"
PASSWORD = "sam-password-123"


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mail: tuple[str, Inbox]) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("console-security"), extra_env={"FRONTDESK_SMTP_URL": mail[0]}).start()
    subprocess.run(
        [
            str(BIN),
            "create-agent",
            "--email",
            SAM_EMAIL,
            "--name",
            "Sam Agent",
            "--role",
            "agent",
            "--password",
            PASSWORD,
        ],
        env=srv.env(),
        check=True,
        capture_output=True,
    )
    yield srv
    srv.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def enter_password(page: Page, server: Server) -> None:
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(SAM_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def wait_for_email(inbox: Inbox, to: str, subject: str, timeout: float = 15) -> Message:
    """Other emails (notices of account changes) arrive too; this one is wanted."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [m for m in inbox.messages if m["To"] == to and m["Subject"] == subject]:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no email {subject!r} to {to}")


def main_nav(page: Page) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_enrol_then_log_in_with_a_code_and_with_a_recovery_code_once(server: Server, page: Page) -> None:
    enter_password(page, server)
    main_nav(page)  # no two-factor yet: straight in
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings sections").get_by_role("link", name="Security").click()
    page.get_by_role("button", name="Set up two-factor authentication").click()
    expect(page.get_by_role("img", name="otpauth link")).to_be_visible()  # the QR code
    totp = pyotp.TOTP(page.get_by_label("Setup key").input_value())
    page.get_by_label("Code from the app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Verify and turn on").click()
    expect(page.get_by_role("alert")).to_contain_text("that code is not right")
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Verify and turn on").click()
    shown = page.get_by_role("region", name="Your recovery codes").get_by_role("listitem")
    expect(shown).to_have_count(10)
    codes = shown.all_inner_texts()
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_text("On. 10 unused recovery codes left.")).to_be_visible()
    log_out(page)

    # A code from the app. The one that turned two-factor on was spent in its 30 s step,
    # so this is the next step's (the server accepts one step either side).
    enter_password(page, server)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.get_by_label("Authentication code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    main_nav(page)
    log_out(page)

    # A recovery code instead of the phone.
    enter_password(page, server)
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    main_nav(page)
    log_out(page)

    # The same recovery code again: refused, and the console stays closed.
    enter_password(page, server)
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("alert")).to_contain_text("that code is not right")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.get_by_label("Authentication code").fill(codes[1])
    page.get_by_role("button", name="Verify").click()
    main_nav(page)


def test_a_forgotten_password_is_reset_from_the_emailed_link(
    server: Server, page: Page, mail: tuple[str, Inbox]
) -> None:
    _, inbox = mail
    page.goto(server.url + "/console")
    page.get_by_role("button", name="Forgot your password?").click()
    page.get_by_label("Email").fill(server.owner_email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If this email has an account")

    sent = wait_for_email(inbox, server.owner_email, "Reset your Frontdesk password")
    body = sent.get_payload(decode=True)
    assert isinstance(body, bytes)
    link = re.search(r"http\S+/console/reset-password/\S+", body.decode())
    assert link is not None
    page.goto(link.group(0))
    new_password = page.get_by_label("New password")
    new_password.fill("password12345")
    expect(page.get_by_role("meter", name="Password strength")).to_be_visible()
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("alert")).to_contain_text('"password" is too common')
    new_password.fill("tangerine lighthouse gravel")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")

    page.get_by_role("button", name="Go to the login").click()
    page.get_by_label("Email").fill(server.owner_email)
    page.get_by_label("Password").fill(server.owner_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong email or password")
    page.get_by_label("Password").fill("tangerine lighthouse gravel")
    page.get_by_role("button", name="Log in").click()
    main_nav(page)
