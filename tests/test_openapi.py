"""The OpenAPI document states what the server enforces: a new route or field without
its limits fails here, before schemathesis has to find the 500 (tests/test_api_contract.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontdesk.app import create_app
from frontdesk.settings import Settings


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    var = tmp_path_factory.mktemp("openapi")
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{var / 'fd.db'}", var_dir=var))
    return app.openapi()


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def request_schemas(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema a request is checked against, with where it is, references followed."""
    seen: set[str] = set()
    for method, path, operation in operations(doc):
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema") or parameter["content"]["application/json"]["schema"]
            yield from _walk(doc, seen, f"{method} {path} {parameter['name']}", schema)
        for media in operation.get("requestBody", {}).get("content", {}).values():
            yield from _walk(doc, seen, f"{method} {path} body", media["schema"])


def _walk(doc: dict[str, Any], seen: set[str], where: str, schema: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from _walk(doc, seen, f"{where}.{i}", item)
        return
    if not isinstance(schema, dict):
        return
    if ref := schema.get("$ref"):
        name = ref.rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            yield from _walk(doc, seen, name, doc["components"]["schemas"][name])
        return
    yield where, schema
    for key, child in schema.items():
        if key in ("properties", "$defs"):
            for name, sub in child.items():
                yield from _walk(doc, seen, f"{where}.{name}", sub)
        elif key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "propertyNames"):
            yield from _walk(doc, seen, f"{where}.{key}", child)


def test_every_request_integer_has_its_range_and_every_string_its_limits(doc: dict[str, Any]) -> None:
    kinds = [schema.get("type") for _, schema in request_schemas(doc)]
    assert kinds.count("integer") > 15 and kinds.count("string") > 80  # the walk reaches them
    unbounded = [
        where
        for where, schema in request_schemas(doc)
        if schema.get("type") == "integer" and not {"minimum", "maximum"} <= schema.keys()
    ]
    assert unbounded == []
    loose = [
        where
        for where, schema in request_schemas(doc)
        if schema.get("type") == "string" and not {"maxLength", "enum", "const", "format", "pattern"} & schema.keys()
    ]
    assert loose == []
    nul_allowed = [
        where
        for where, schema in request_schemas(doc)
        if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & schema.keys()
    ]
    assert nul_allowed == []  # http/openapi.py says "no NUL" on each


def test_every_operation_names_its_security_and_its_errors(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert schemes["session"] == {**schemes["session"], "type": "apiKey", "in": "cookie", "name": "frontdesk_session"}
    assert schemes["apiToken"]["scheme"] == schemes["visitorToken"]["scheme"] == "bearer"
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for method, path, operation in operations(doc):
        security = [name for requirement in operation.get("security", []) for name in requirement]
        if path.startswith("/api/v1/widget/") and not path.endswith(("/session", "/config")):
            assert security == ["visitorToken"], (method, path)
        elif path in ("/api/v1/me", "/api/v1/conversations", "/api/v1/teams"):
            assert security == ["session", "apiToken"], (method, path)
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        if security:
            assert {"401", "403"} <= operation["responses"].keys(), (method, path)
        if path.startswith("/api/v1/widget/") or path == "/api/v1/auth/login":
            assert "Retry-After" in operation["responses"]["429"]["headers"], (method, path)


def test_the_limits_the_domain_checks_are_in_the_schema(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    team = schemas["TeamIn"]["properties"]
    seconds = team["reassign_after_seconds"]["anyOf"][0]
    assert (seconds["minimum"], seconds["maximum"]) == (30, 86_400)
    assert "Europe/Berlin" in schemas["BusinessHours"]["properties"]["time_zone"]["enum"]
    rating = schemas["RatingIn"]["properties"]["score"]
    assert (rating["minimum"], rating["maximum"]) == (1, 5)
    patch = schemas["ConversationPatch"]["properties"]
    assert patch["snooze_until"]["anyOf"][0] == {"type": "string", "format": "date-time"}
    assert schemas["TranscriptIn"]["properties"]["email"]["maxLength"] == 320


def test_the_document_is_built_without_a_database(tmp_path: Path) -> None:
    """Served at /api/v1/openapi.json and read by the 405 handler: it must not need one."""
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'none.db'}", var_dir=tmp_path))
    assert app.openapi() is app.openapi()  # built once
