"""HTML pages: the demo website at ``/`` and the console's single page at ``/console``."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from frontdesk.http.deps import Ctx
from frontdesk.websites.queries import first_website

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"

# The console and demo page load only our own files; no inline script anywhere. Images may
# also come over https: a website's logo and agents' avatars are URLs the admin chose.
# Neither page may be framed (clickjacking); the widget is a script, never framed.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data: https:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)


def not_built(what: str) -> HTMLResponse:
    body = f"<h1>The {what} is not built</h1><p>Run <code>make build</code> (or <code>make run</code>).</p>"
    return HTMLResponse(body, status_code=503)


@router.get("/")
async def demo_page(request: Request, ctx: Ctx) -> Response:
    website = await first_website(ctx.db)
    if website is None:
        return HTMLResponse("<h1>No website yet</h1><p>Run <code>frontdesk serve</code> once to set one up.</p>", 503)
    page = Template((TEMPLATES / "demo.html").read_text())
    body = page.substitute(widget_key=html.escape(website.widget_key, quote=True), site_name=html.escape(website.name))
    return HTMLResponse(body, headers={"Content-Security-Policy": CONSOLE_CSP})


@router.get("/console")
@router.get("/console/{path:path}")
async def console(path: str = "") -> Response:
    index = STATIC / "console" / "index.html"
    if not index.exists():
        return not_built("console")
    return HTMLResponse(
        index.read_text(), headers={"Content-Security-Policy": CONSOLE_CSP, "Cache-Control": "no-cache"}
    )
