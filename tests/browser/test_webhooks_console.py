"""Settings > Webhooks in a real browser against a real server and a real receiver: add
an endpoint, send a test event, read the failed attempt in the delivery log, send it
again, and see it delivered under the same webhook-id."""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from standardwebhooks.webhooks import Webhook

from tests.server import Server
from tests.webhook_receiver import Received, Reply, receiving

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("console")]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "FRONTDESK_WEBHOOKS_ALLOW_PRIVATE": "true",  # the receiver is on 127.0.0.1
        "FRONTDESK_WEBHOOKS_RETRY_SCHEDULE": json.dumps([3600]),  # a failure waits: "send again" is what sends
    }
    srv = Server(tmp_path_factory.mktemp("console-webhooks"), extra_env=env).start()
    yield srv
    srv.stop()


@pytest.fixture
def console(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server.url + "/console")
    page.get_by_label("Email").fill(server.owner_email)
    page.get_by_label("Password").fill(server.owner_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Open conversations")).to_be_visible()
    yield page
    context.close()


def refresh_until(log: Locator, row: Locator, text: str, timeout: float = 15) -> None:
    """The log is read when asked: press Refresh until the row says ``text``."""
    deadline = time.monotonic() + timeout
    while text not in row.inner_text():
        assert time.monotonic() < deadline, f"the log never said {text!r}: {row.inner_text()!r}"
        log.get_by_role("button", name="Refresh").click()
        time.sleep(0.2)


def test_the_delivery_log_shows_a_failed_attempt_and_send_again_delivers_it(console: Page) -> None:
    count = itertools.count()

    def script(_: Received) -> Reply:
        return Reply(500, body=b"receiver says boom") if next(count) == 0 else Reply(204, body=b"")

    with receiving(script) as receiver:
        page = console
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
        page.get_by_role("navigation", name="Settings sections").get_by_role("link", name="Webhooks").click()
        expect(page).to_have_url(re.compile(r"/console/settings/webhooks$"))
        section = page.get_by_role("region", name="Webhooks")
        expect(section.get_by_text("No endpoints yet.")).to_be_visible()

        section.get_by_role("button", name="Add endpoint").click()
        form = section.get_by_role("form", name="Add endpoint")
        form.get_by_label("Endpoint URL").fill(receiver.url)
        form.get_by_label("Description").fill("CRM sync")
        expect(form.get_by_role("checkbox", name="message.created")).to_be_checked()
        form.get_by_role("button", name="Add endpoint").click()

        card = section.get_by_role("listitem", name=receiver.url)
        expect(card.get_by_text("CRM sync")).to_be_visible()
        secret = card.get_by_role("textbox", name=re.compile("Signing secret")).input_value()
        assert secret.startswith("whsec_")

        card.get_by_role("button", name="Send test event").click()
        expect(card.get_by_role("status").first).to_have_text("Test event sent: see the delivery log.")
        log = card.locator(".delivery-log")
        row = log.get_by_role("table", name="Delivery log").get_by_role("row").nth(1)
        refresh_until(log, row, "500")
        expect(row).to_contain_text("webhook.test")
        expect(row).to_contain_text("Pending")  # its next try is an hour away

        row.get_by_role("button", name="Details").click()
        details = log.locator(".delivery-details")
        expect(details).to_contain_text("receiver says boom")
        expect(details).to_contain_text('"type":"webhook.test"')
        details.get_by_text("Headers sent").click()
        first_id = receiver.received[0].id
        expect(details).to_contain_text(f"webhook-id: {first_id}")

        row.get_by_role("button", name="Send again").click()
        expect(log.get_by_role("status")).to_have_text("Sent again with the same webhook-id.")
        refresh_until(log, row, "Delivered")
        expect(row.locator("td").nth(3)).to_have_text("2")  # attempts
        expect(details).to_contain_text("Attempt 2")

        assert [r.id for r in receiver.received] == [first_id, first_id]
        for request in receiver.received:  # the secret the console showed verifies both
            Webhook(secret).verify(request.body, request.headers)
