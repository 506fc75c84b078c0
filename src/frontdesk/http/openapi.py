"""The OpenAPI document as the server behaves: who may call each operation, every status
it can answer with the one error shape, and the limits of every request field.

FastAPI writes the operations and schemas from the routes; this adds what it cannot
know: the three ways to authenticate (http/deps.py), the statuses the error handlers
give (http/errors.py, http/limits.py), the NUL character that no request string may
hold (frontdesk/inputs.py), and replaces its validation-error schema (never sent).
tests/test_api_contract.py runs schemathesis against the result.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from frontdesk.http.deps import SESSION_COOKIE
from frontdesk.http.limits import MAX_BODY_BYTES
from frontdesk.http.widget_extras import CURSORS_SCHEMA
from frontdesk.inputs import NUL_FREE

PREFIX = "/api/v1"
SECURITY_SCHEMES = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The console's login (POST /auth/login). Changes must come from the server's own origin.",
    },
    "apiToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "fd_...",
        "description": "An agent's API token (POST /tokens); it acts as that agent.",
    },
    "visitorToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A visitor's signed token, from POST /widget/session (or /widget/identify).",
    },
}
AGENT: list[dict[str, list[str]]] = [{"session": []}, {"apiToken": []}]
VISITOR: list[dict[str, list[str]]] = [{"visitorToken": []}]
# Operations anyone may call; every other /widget one is the visitor's, the rest an agent's.
PUBLIC = {
    "/auth/login",
    "/auth/logout",
    "/auth/password-reset",
    "/auth/password-reset/confirm",
    "/invite/{secret}",
    "/attachments/{attachment_id}/{name}",
    "/widget/session",
    "/widget/config",
}
# The routes a rate limit guards (ratelimits/rules.py): the widget's, and the account ones.
LIMITED = ("/widget/", "/auth/login", "/auth/two-factor", "/auth/password-reset", "/invite/", "/me/two-factor")
# Operations without a body that may still answer 409 (a webhook endpoint turned off).
CONFLICTS = ("/webhooks/{webhook_id}/test", "/webhooks/{webhook_id}/deliveries/{delivery_id}/resend")
# Where a request carries ids of other things or names one in its path: 404 when absent.
LOOKUPS = ("/widget/config", "/widget/session", "/widget/messages", "/widget/typing", "/widget/read")

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "field"],
            "properties": {
                "code": {"type": "string", "description": "stable, for programs: invalid, not_found, ..."},
                "message": {"type": "string", "description": "for people: what was wrong and what was expected"},
                "field": {
                    "anyOf": [{"type": "string"}, {"type": "null"}],
                    "description": "the field at fault (a.b.0 for nested ones), when one is",
                },
            },
        }
    },
}
REASONS = {
    400: "The body is not valid JSON.",
    401: "No credentials, or they are not valid (any more).",
    403: "Not allowed: the role may not do this, the visitor is blocked, or a cross-origin cookie request.",
    404: "No such object (or it is another workspace's or visitor's).",
    409: "Conflicts with what is stored (a client_ref used for another message, a name taken).",
    413: f"The body is over {MAX_BODY_BYTES} bytes (uploads: over the website's limit).",
    422: "A field is missing or wrong; `field` names it.",
    429: "Too many requests; try again after Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 0}}}
# An event of the widget's stream: one server frame, as JSON, as the socket sends it.
SSE_EVENT = {
    "type": "object",
    "required": ["data"],
    "properties": {"data": {"type": "string", "contentMediaType": "application/json"}},
}
# Where a response is not JSON.
MEDIA = {
    f"{PREFIX}/widget/stream": {"text/event-stream": {"schema": SSE_EVENT}},
    f"{PREFIX}/attachments/{{attachment_id}}/{{name}}": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
}


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            truthful(FastAPI.openapi(app))  # FastAPI's own, kept in app.openapi_schema
        return app.openapi_schema  # type: ignore[return-value]  # set just above

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to change it


def truthful(doc: dict[str, Any]) -> None:
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Error"] = ERROR
    components["securitySchemes"] = SECURITY_SCHEMES
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            _operation(path, method, operation, schemas)


# Query parameters that carry JSON: said as content, so a client (or schemathesis) sends JSON.
JSON_PARAMETERS = {(f"{PREFIX}/widget/stream", "cursors"): CURSORS_SCHEMA}


def _operation(path: str, method: str, operation: dict[str, Any], schemas: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's HTTPValidationError; ours are added below
    if path in MEDIA:
        for ok in ("200", "201"):
            if ok in responses:
                responses[ok]["content"] = MEDIA[path]
    if not path.startswith(PREFIX):
        return
    short = path.removeprefix(PREFIX)
    security = _security(short)
    if security:
        operation["security"] = security
    for status in sorted(_statuses(short, method, operation, bool(security))):
        response: dict[str, Any] = {
            "description": REASONS[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if status == 429:
            response["headers"] = RETRY_AFTER
        responses[str(status)] = response
    for parameter in operation.get("parameters", []):
        if (content := JSON_PARAMETERS.get((path, parameter["name"]))) is not None:
            parameter.pop("schema")
            parameter["content"] = {"application/json": {"schema": content}}
        _nul_free(parameter.get("schema", {}), schemas, set())
    for media in operation.get("requestBody", {}).get("content", {}).values():
        _nul_free(media.get("schema", {}), schemas, set())


def _security(short: str) -> list[dict[str, list[str]]]:
    if short in PUBLIC:
        return []
    return VISITOR if short.startswith("/widget/") else AGENT


def _statuses(short: str, method: str, operation: dict[str, Any], secured: bool) -> set[int]:
    body = "requestBody" in operation
    statuses = {422} if body or operation.get("parameters") else set()
    if body:
        statuses |= {400, 413}
    # Logout: 403 for a cross-origin request (issue #23 adds its Origin check).
    if secured or short in ("/auth/login", "/auth/logout", "/widget/session", "/invite/{secret}"):
        statuses |= {401, 403}
    if "{" in short or body or short.startswith(LOOKUPS):
        statuses.add(404)
    if (body and method in ("post", "put", "patch")) or short in CONFLICTS:
        statuses.add(409)
    if short.startswith(LIMITED):
        statuses.add(429)
    return statuses


def _nul_free(schema: Any, schemas: dict[str, Any], seen: set[str]) -> None:
    """Say "no NUL" in every string schema of a request that has no pattern of its own
    (a pattern of ours excludes NUL already; an enum or a format says what is allowed)."""
    if isinstance(schema, list):
        for item in schema:
            _nul_free(item, schemas, seen)
        return
    if not isinstance(schema, dict):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            _nul_free(schemas.get(name), schemas, seen)
        return
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & schema.keys():
        schema["pattern"] = NUL_FREE
    if schema.get("type") == "object" and isinstance(schema.get("additionalProperties"), dict):
        schema.setdefault("propertyNames", {"pattern": NUL_FREE})
    for key in ("properties", "$defs"):
        for child in (schema.get(key) or {}).values():
            _nul_free(child, schemas, seen)
    for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "prefixItems", "propertyNames"):
        if key in schema:
            _nul_free(schema[key], schemas, seen)
