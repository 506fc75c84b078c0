"""Security headers on every HTTP response, set in one place.

Each is a default: a response that chose its own value keeps it (the console's and the
API browser's CSP, an attachment's sandbox, the widget config's public caching). What
must keep working cross-site is the widget: its scripts, its API (CORS, http/cors.py)
and attachment links. None of these headers stands in their way: a script or an image
is not framed, ``nosniff`` only asks for the right content type (ours are right), and
no ``Cross-Origin-Resource-Policy`` is added. The widget draws itself in a shadow root
of the customer's page, not in an iframe, so nothing of ours needs to be framed:
``frame-ancestors 'none'`` everywhere, with ``X-Frame-Options: DENY`` for browsers
that predate CSP.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# For everything that sets no policy of its own (JSON, scripts, styles): a JSON body
# opened as a page runs nothing and loads nothing.
DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
# Our pages link to one another; no other site learns which console page (an
# invitation's secret is in its path) an agent came from.
REFERRER_POLICY = "same-origin"
API_PREFIX = "/api/"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, hsts_seconds: int = 0) -> None:
        self.app = app
        # Only over https: a browser ignores it over http, and the request's scheme is
        # the proxy's X-Forwarded-Proto when the proxy is trusted (cli.py).
        self.hsts = f"max-age={hsts_seconds}" if hsts_seconds > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hsts = self.hsts if scope.get("scheme") == "https" else None
        api = scope["path"].startswith(API_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add(MutableHeaders(scope=message), api=api, hsts=hsts)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add(headers: MutableHeaders, *, api: bool, hsts: str | None) -> None:
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
    # API answers are per caller (a session, a token): never kept by a browser's or a
    # proxy's cache, so nothing an agent saw is left on a shared computer.
    if api and headers.get("content-type", "").startswith("application/json"):
        headers.setdefault("Cache-Control", "no-store")
    if hsts is not None:
        headers.setdefault("Strict-Transport-Security", hsts)
