"""The API browser renders in a real browser under its strict CSP, with nothing loaded
from another origin (it used to come from a CDN)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.server import Server

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("api-docs")).start()
    yield srv
    srv.stop()


def test_swagger_ui_renders_from_this_server_only(browser: Browser, server: Server) -> None:
    page = browser.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Frontdesk API")
    page.locator(".opblock").first.click()  # an operation opens (script runs under the CSP)
    expect(page.locator(".opblock.is-open")).to_have_count(1)
    assert [url for url in requested if not url.startswith((server.url, "data:"))] == []
    assert problems == []
    page.close()
