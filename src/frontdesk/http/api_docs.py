"""The API browser at ``/api/v1/docs``: Swagger UI served from this server.

FastAPI's own page loads Swagger UI from a CDN: blank without internet, and a third
party's script running on the console's origin, next to its session cookie. Here the
files come from the npm package ``swagger-ui-dist`` (pinned in frontend/package.json),
copied under ``/static/api-docs/`` by the frontend build, and the page starts it with
a script of ours instead of an inline one, so its CSP allows scripts from this server
only."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import HTMLResponse, Response

from frontdesk.http.pages import STATIC, not_built

DOCS_PATH = "/api/v1/docs"
ASSETS = "/static/api-docs"
# Swagger UI styles elements inline and draws its icons as data: images; everything it
# loads or calls (the OpenAPI document, "Try it out") is this server.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Frontdesk API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="/api/v1/openapi.json"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get(DOCS_PATH)
async def api_docs() -> Response:
    if not (STATIC / "api-docs" / "swagger-ui-bundle.js").exists():
        return not_built("API browser")
    return HTMLResponse(PAGE, headers={"Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-cache"})
