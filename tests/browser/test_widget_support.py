"""Fixtures and helpers for the widget's browser tests (no tests here).

The widget runs on customers' sites, so the tests embed it in pages served from another
origin (a tiny http.server on another loopback port), and play the agent through the
real agent socket and REST API with an API token.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.server import Server, free_port
from tests.smtp import smtp_server


class Site:
    """A customer's website on its own origin; pages are registered by path."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.key = server.widget_key()
        self.pages: dict[str, tuple[str, dict[str, str]]] = {}
        self.port = free_port()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body, headers = site.pages.get(self.path.split("?")[0], ("not found", {}))
                data = body.encode()
                self.send_response(200 if self.path.split("?")[0] in site.pages else 404)
                content_type = "text/javascript" if self.path.endswith(".js") else "text/html; charset=utf-8"
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def snippet(self) -> str:
        return f'<script src="{self.server.url}/static/widget/widget.js" data-website-key="{self.key}" async></script>'

    def page(
        self,
        path: str,
        *,
        head: str = "",
        body: str = "",
        lang: str = "en",
        csp: str | None = None,
        snippet: bool = True,
    ) -> str:
        html = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Shop {path}</title>{head}</head><body><h1>Shop</h1><p>A page of a customer's site.</p>"
            f"{body}{self.snippet() if snippet else ''}</body></html>"
        )
        headers = {"Content-Security-Policy": csp} if csp else {}
        self.pages[path] = (html, headers)
        return self.url + path

    def script(self, path: str, code: str) -> str:
        self.pages[path] = (code, {})
        return self.url + path

    def close(self) -> None:
        self.httpd.shutdown()


class Agent:
    """An agent with the console's socket open (so visitors see someone online)."""

    def __init__(self, server: Server) -> None:
        with server.login() as http:
            token = http.post("/api/v1/tokens", json={"name": "browser tests"}).json()["token"]
        self.http = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        self.frames: list[dict[str, Any]] = []
        # Entered by hand: the connection lives as long as the module's tests.
        self.ws: ClientConnection = connect(
            server.ws_url + "/ws/agent", additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10
        ).__enter__()
        self.ws.send(json.dumps({"type": "hello", "protocol": 1, "cursors": {}}))
        self.lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        self.wait(lambda f: f["type"] == "synced")

    def _pump(self) -> None:
        try:
            for raw in self.ws:
                with self.lock:
                    self.frames.append(json.loads(raw))
        except Exception:
            return

    def wait(self, match: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for frame in self.frames:
                    if match(frame):
                        return frame
            time.sleep(0.05)
        raise AssertionError("the agent never received the expected frame")

    def message_from_visitor(self, body: str, timeout: float = 10) -> dict[str, Any]:
        frame = self.wait(
            lambda f: f.get("event") == "message.created" and f["data"]["message"]["body"] == body, timeout
        )
        return dict(frame["data"]["message"])

    def messages(self, body: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                f["data"]["message"]
                for f in self.frames
                if f.get("event") == "message.created" and f["data"]["message"]["body"] == body
            ]

    def say(self, conversation_id: str, body: str, **extra: Any) -> dict[str, Any]:
        response = self.http.post(f"/api/v1/conversations/{conversation_id}/messages", json={"body": body, **extra})
        response.raise_for_status()
        return dict(response.json())

    def send_frame(self, frame: dict[str, Any]) -> None:
        self.ws.send(json.dumps(frame))

    def patch_settings(self, settings: dict[str, Any]) -> None:
        website_id = self.http.get("/api/v1/websites").json()["items"][0]["id"]
        response = self.http.patch(f"/api/v1/websites/{website_id}", json={"settings": settings})
        response.raise_for_status()

    def close(self) -> None:
        self.ws.close()
        self.http.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # With mail, as a site that offers transcripts and email replies has it (tests/smtp.py).
    with smtp_server() as (smtp_url, _inbox):
        srv = Server(tmp_path_factory.mktemp("widget"), extra_env={"FRONTDESK_SMTP_URL": smtp_url}).start()
        yield srv
        srv.stop()


@pytest.fixture(scope="module")
def site(server: Server) -> Iterator[Site]:
    s = Site(server)
    yield s
    s.close()


@pytest.fixture(scope="module")
def agent(server: Server) -> Iterator[Agent]:
    a = Agent(server)
    yield a
    a.close()


WIDGET = "#frontdesk-widget"


def open_widget(page: Any) -> None:
    """Opens the chat (it may be open already: it stays open across pages of a visit)."""
    page.locator(f"{WIDGET} .fd-launcher:visible, {WIDGET} .fd-panel:visible").first.wait_for()
    if page.locator(f"{WIDGET} .fd-launcher").is_visible():
        page.locator(f"{WIDGET} .fd-launcher").click()
    page.locator(f"{WIDGET} .fd-panel").wait_for(state="visible")


def messages(page: Any, text: str | None = None) -> Any:
    loc = page.locator(f"{WIDGET} .fd-message")
    return loc.filter(has_text=text) if text is not None else loc
