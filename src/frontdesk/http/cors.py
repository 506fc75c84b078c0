"""CORS for the widget's routes only: the widget runs on customers' sites, so its calls
are cross-origin by design. They carry a visitor token in a header, never a cookie, so
any origin may call them. The console's routes stay same-origin."""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

WIDGET_PREFIX = "/api/v1/widget/"


class WidgetCORS:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=86400,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(WIDGET_PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
