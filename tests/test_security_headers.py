"""Security headers on each kind of response, the API browser served from this server,
and the Origin check with the scheme: all against a real server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from frontdesk.app import create_app
from frontdesk.settings import Settings
from tests.server import Server
from tests.wsclient import Client

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("headers")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def owner(server: Server) -> Iterator[httpx.Client]:
    with server.login() as client:
        yield client


def assert_hardened(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response.url
    assert headers["referrer-policy"] == "same-origin", response.url
    assert headers["x-frame-options"] == "DENY", response.url
    assert "frame-ancestors 'none'" in headers["content-security-policy"], response.url
    assert "strict-transport-security" not in headers  # plain http: a browser would ignore it


def test_html_pages_json_errors_and_static_files_carry_the_headers(server: Server, owner: httpx.Client) -> None:
    key = server.widget_key()
    responses = {
        "demo page": httpx.get(server.url + "/"),
        "console": httpx.get(server.url + "/console"),
        "API browser": httpx.get(server.url + "/api/v1/docs"),
        "authenticated JSON": owner.get("/api/v1/me"),
        "public widget JSON": httpx.get(server.url + "/api/v1/widget/config", params={"website_key": key}),
        "JSON error": httpx.get(server.url + "/api/v1/me"),
        "not found": httpx.get(server.url + "/api/v1/nowhere"),
        "widget script": httpx.get(server.url + "/static/widget/widget.js"),
    }
    for what, response in responses.items():
        assert response.status_code in (200, 401, 404), what
        assert_hardened(response)
    assert responses["authenticated JSON"].headers["cache-control"] == "no-store"
    assert responses["JSON error"].headers["cache-control"] == "no-store"
    # What set its own policy keeps it: the widget's config is public and cached briefly,
    # the console's CSP allows its own scripts.
    assert responses["public widget JSON"].headers["cache-control"] == "public, max-age=60"
    assert "script-src 'self'" in responses["console"].headers["content-security-policy"]
    # The widget still loads on customers' sites: no cross-origin resource policy.
    assert "cross-origin-resource-policy" not in responses["widget script"].headers


def test_hsts_only_over_https_from_a_trusted_proxy(server: Server) -> None:
    # 127.0.0.1 is the default trusted proxy (FRONTDESK_FORWARDED_ALLOW_IPS).
    https = httpx.get(server.url + "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert https.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in httpx.get(server.url + "/healthz").headers


def test_the_api_browser_loads_only_files_of_this_server(server: Server) -> None:
    page = httpx.get(server.url + "/api/v1/docs")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "connect-src 'self'" in csp and "unsafe-eval" not in csp
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    links = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(links) == 3
    kinds = {"css": "text/css", "js": "javascript"}
    for link in links:
        assert link.startswith("/") and not link.startswith("//"), link  # same origin, no CDN
        asset = httpx.get(server.url + link)
        assert asset.status_code == 200, link
        assert kinds[link.rsplit(".", 1)[1]] in asset.headers["content-type"], link
        assert asset.headers["x-content-type-options"] == "nosniff"
    assert "SwaggerUIBundle" in httpx.get(server.url + "/static/api-docs/swagger-ui-bundle.js").text
    assert "/api/v1/openapi.json" in page.text


def test_the_origin_check_compares_the_scheme(server: Server, owner: httpx.Client) -> None:
    host = server.url.removeprefix("http://")
    update, path = {"status": "online"}, "/api/v1/me/status"
    assert owner.put(path, json=update, headers={"Origin": f"https://{host}"}).status_code == 403
    assert owner.put(path, json=update, headers={"Origin": f"http://{host}"}).status_code == 200
    # Behind a TLS proxy (trusted, X-Forwarded-Proto) the site is https: an http page of
    # the same host is another origin.
    proxied = {"X-Forwarded-Proto": "https"}
    assert owner.put(path, json=update, headers={**proxied, "Origin": f"http://{host}"}).status_code == 403
    assert owner.put(path, json=update, headers={**proxied, "Origin": f"https://{host}"}).status_code == 200


def test_logout_from_another_site_is_refused(server: Server) -> None:
    with server.login() as http:
        forged = http.post("/api/v1/auth/logout", headers={"Origin": "https://evil.example"})
        assert forged.status_code == 403
        assert http.get("/api/v1/me").status_code == 200  # still logged in
        assert http.post("/api/v1/auth/logout").status_code == 204
        assert http.get("/api/v1/me").status_code == 401


@pytest.fixture(scope="module")
def public_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Behind a TLS proxy that sends no X-Forwarded-Proto: the public URL says https."""
    extra = {"FRONTDESK_PUBLIC_URL": "https://chat.example.com"}
    srv = Server(tmp_path_factory.mktemp("public"), extra_env=extra).start()
    yield srv
    srv.stop()


def public_session(server: Server) -> str:
    with httpx.Client(base_url=server.url) as http:
        login = {"email": server.owner_email, "password": server.owner_password}
        http.post("/api/v1/auth/login", json=login).raise_for_status()
        return str(http.cookies["frontdesk_session"])


def test_with_a_public_url_only_its_origin_may_use_the_cookie(public_server: Server) -> None:
    cookie = {"Cookie": f"frontdesk_session={public_session(public_server)}"}
    with httpx.Client(base_url=public_server.url, headers=cookie) as http:
        for origin, status in [
            ("http://chat.example.com", 403),
            (public_server.url, 403),
            ("https://chat.example.com:443", 200),
            ("https://chat.example.com", 200),
        ]:
            put = http.put("/api/v1/me/status", json={"status": "online"}, headers={"Origin": origin})
            assert put.status_code == status, origin


async def test_with_a_public_url_only_its_origin_may_open_an_agent_socket(public_server: Server) -> None:
    cookie = {"Cookie": f"frontdesk_session={public_session(public_server)}"}

    async def handshake(origin: str) -> int | None:
        try:
            client = await Client.open(public_server.ws_url + "/ws/agent", {}, {**cookie, "Origin": origin})
            await client.until("welcome")
            await client.close()
            return None
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else -1

    assert await handshake("http://chat.example.com") == 4401
    assert await handshake("https://chat.example.com") is None


async def test_an_unexpected_errors_500_carries_the_headers_too(tmp_path: Path) -> None:
    """Starlette answers an unhandled error outside every middleware added to the app;
    the headers are outside that too. In process: no route of the real server fails on
    purpose."""
    app = create_app(Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}"))

    async def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/v1/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            response = await http.get("/api/v1/boom")
    finally:  # no lifespan ran: close the database the app opened, before this loop ends
        await app.state.ctx.db.dispose()
    assert response.status_code == 500
    assert_hardened(response)
