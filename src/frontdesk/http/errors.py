"""Every error leaves as ``{"error": {"code", "message", "field"}}`` with a message that
says what was wrong and what was expected."""

from __future__ import annotations

import functools
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Match

from frontdesk.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized
from frontdesk.ratelimits.limiter import RateLimited

STATUS = {Invalid: 422, NotFound: 404, Forbidden: 403, Unauthorized: 401, Conflict: 409, RateLimited: 429}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status_code=status)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    response = error_response(STATUS.get(type(exc), 400), exc.code, exc.message, exc.field)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    response = error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method of the path: Starlette's 405 names only those of the first route that
    matched the path, and GET and POST of one path are two routes. A documented path
    answers with the methods its document lists (a fixed path, like
    ``/conversations/unread-counts``, over a pattern that also matches it)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    documented = [template for template in paths if _template(template).match(request.url.path)]
    if documented:
        return sorted(method.upper() for method in paths[min(documented, key=lambda t: t.count("{"))])
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@functools.cache
def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first: dict[str, Any] = exc.errors()[0]
    if first.get("type") == "json_invalid":
        return error_response(400, "bad_request", "the request body is not valid JSON")
    loc = [str(part) for part in first.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]  # where it came from, not which field
    field = ".".join(loc) or None
    got = first.get("input")
    detail = first.get("msg", "is invalid").removeprefix("Value error, ")
    shown = f"; got {type(got).__name__} {got!r}"[:120] if "input" in first and got is not None else ""
    message = f'"{field}": {detail}{shown}' if field else f"{detail}{shown}"
    return error_response(422, "invalid", message, field)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
