"""Bad input gets a 4xx (or an error frame) naming the field, never a 500: NUL characters,
integers past the columns' range, times without a zone, absurd numbers; on SQLite and on
PostgreSQL (which refuses a NUL in text, where SQLite would store it), against a real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests import services
from tests.server import Server
from tests.wsclient import Client

pytestmark = pytest.mark.xdist_group("server")

HUGE = 99999999999999999999  # past BIGINT, let alone INTEGER
NUL = "a\x00b"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    database = services.create_pg_database() if request.param == "postgres" else None
    srv = Server(tmp_path_factory.mktemp(f"bad-input-{request.param}"), database).start()
    yield srv
    srv.stop()
    if database:
        services.drop_pg_database(database)


@pytest.fixture(scope="module")
def owner(server: Server) -> Iterator[httpx.Client]:
    with server.login() as client:
        yield client


@pytest.fixture(scope="module")
def visitor(server: Server) -> Iterator[tuple[httpx.Client, str]]:
    """A visitor's client with a conversation started: (client, conversation id)."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        token = http.post("/api/v1/widget/session", json={"website_key": server.widget_key()}).json()["token"]
        http.headers["Authorization"] = f"Bearer {token}"
        sent = http.post("/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": "Hello"})
        assert sent.status_code == 201, sent.text
        yield http, sent.json()["conversation_id"]


def refused(response: httpx.Response, field: str | None, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["field"] == field, error
    assert error["message"], error
    return error


def test_nul_in_bodies_is_refused_by_field_even_without_login(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        refused(http.post("/api/v1/widget/session", json={"website_key": NUL}), "website_key")
        refused(http.post("/api/v1/auth/login", json={"email": NUL, "password": "x"}), "email")
        error = refused(http.post("/api/v1/invite/abc", json={"name": "Ada", "password": NUL * 8}), "password")
        assert "NUL" in error["message"]


def test_nul_in_bodies_of_visitors_and_agents(owner: httpx.Client, visitor: tuple[httpx.Client, str]) -> None:
    http, conv = visitor
    refused(http.post("/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": NUL}), "body")
    refused(http.post("/api/v1/widget/identify", json={"custom_attributes": {"plan": NUL}}), "custom_attributes.plan")
    refused(http.post("/api/v1/widget/identify", json={"custom_attributes": {NUL: "x"}}), "custom_attributes")
    refused(http.post("/api/v1/widget/identify", json={"status": ["ok", NUL]}), "status.1")
    refused(http.post("/api/v1/widget/activity", json={"url": "https://example.com/" + NUL}), "url")
    refused(http.post("/api/v1/widget/typing", json={"conversation_id": NUL, "state": "start"}), "conversation_id")
    refused(owner.post(f"/api/v1/conversations/{conv}/messages", json={"body": NUL}), "body")
    refused(owner.patch(f"/api/v1/conversations/{conv}", json={"labels": [NUL]}), "labels.0")
    refused(owner.post("/api/v1/canned-responses", json={"shortcut": "hi", "body": NUL}), "body")
    refused(owner.post("/api/v1/tokens", json={"name": NUL}), "name")
    refused(owner.post("/api/v1/teams", json={"name": NUL}), "name")


def test_nul_in_query_strings_and_paths(server: Server, owner: httpx.Client, visitor: tuple[httpx.Client, str]) -> None:
    http, _ = visitor
    with httpx.Client(base_url=server.url, timeout=10) as anonymous:
        refused(anonymous.get("/api/v1/widget/config", params={"website_key": NUL}), "website_key")
        refused(anonymous.get("/api/v1/invite/a%00b"), "secret")
        refused(anonymous.get("/api/v1/attachments/a%00b/name.png"), "attachment_id")
    refused(owner.get("/api/v1/search", params={"q": NUL}), "q")
    refused(owner.get("/api/v1/contacts", params={"q": NUL}), "q")
    refused(owner.get("/api/v1/conversations", params={"label": NUL}), "label")
    refused(owner.get("/api/v1/conversations/a%00b"), "conversation_id")
    refused(owner.get("/api/v1/contacts/a%00b"), "contact_id")
    refused(http.get("/api/v1/widget/conversations/a%00b/messages"), "conversation_id")
    refused(http.get("/api/v1/widget/stream", params={"cursors": '{"a\\u0000b": 1}'}), "cursors")


def test_integers_past_the_columns_range(owner: httpx.Client, visitor: tuple[httpx.Client, str]) -> None:
    http, conv = visitor
    refused(owner.get(f"/api/v1/conversations/{conv}/messages", params={"after_seq": HUGE}), "after_seq")
    refused(owner.get(f"/api/v1/conversations/{conv}/messages", params={"before_seq": 2**31}), "before_seq")
    refused(http.get(f"/api/v1/widget/conversations/{conv}/messages", params={"after_seq": HUGE}), "after_seq")
    refused(http.post("/api/v1/widget/read", json={"conversation_id": conv, "seq": HUGE}), "seq")
    refused(http.post(f"/api/v1/widget/conversations/{conv}/rating", json={"score": HUGE}), "score")
    refused(http.post("/api/v1/widget/activity", json={"url": "https://a.example", "screen": {"w": HUGE}}), "screen.w")
    refused(http.get("/api/v1/widget/stream", params={"cursors": f'{{"{conv}": {HUGE}}}'}), "cursors")
    refused(owner.get("/api/v1/contacts", params={"cursor": str(HUGE)}), "cursor")
    refused(owner.get("/api/v1/contacts", params={"cursor": "²"}), "cursor")  # a digit to isdigit(), not to int()
    me = owner.get("/api/v1/me").json()["agent"]["id"]
    refused(owner.patch(f"/api/v1/agents/{me}", json={"max_chats": HUGE}), "max_chats")
    team = {"name": "Billing", "reassign_after_seconds": HUGE}
    refused(owner.post("/api/v1/teams", json=team), "reassign_after_seconds")
    rule = {"name": "r", "team_id": "t", "position": HUGE}
    refused(owner.post("/api/v1/routing-rules", json=rule), "position")


def test_absurd_numbers_and_wrong_json_types(owner: httpx.Client, visitor: tuple[httpx.Client, str]) -> None:
    http, conv = visitor
    refused(
        owner.post("/api/v1/teams", json={"name": "Billing", "reassign_after_seconds": 10**9}), "reassign_after_seconds"
    )
    refused(http.post(f"/api/v1/widget/conversations/{conv}/rating", json={"score": "5"}), "score")
    nan = b'{"custom_attributes": {"ratio": NaN}}'  # Python's JSON reader takes it
    headers = {"Content-Type": "application/json"}
    refused(http.post("/api/v1/widget/identify", content=nan, headers=headers), "custom_attributes.ratio")


def test_times_without_a_zone(owner: httpx.Client, visitor: tuple[httpx.Client, str]) -> None:
    _, conv = visitor
    error = refused(owner.get("/api/v1/search", params={"q": "hello", "since": "2020-01-01T00:00:00"}), "since")
    assert "zone" in error["message"]
    refused(owner.get("/api/v1/search", params={"q": "hello", "until": "2020-01-01T00:00:00"}), "until")
    snooze = {"status": "pending", "snooze_until": "2030-01-01T00:00:00"}
    refused(owner.patch(f"/api/v1/conversations/{conv}", json=snooze), "snooze_until")
    far = owner.get("/api/v1/search", params={"q": "hello", "since": "0001-01-01T00:00:00+01:00"})
    assert far.status_code == 200, far.text  # read as the first time there is, not a crash


def test_a_wrong_method_is_405_with_allow(server: Server, owner: httpx.Client) -> None:
    response = owner.put("/api/v1/tokens")
    refused(response, None, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


async def test_bad_frames_get_an_error_frame_naming_the_field(
    server: Server, visitor: tuple[httpx.Client, str]
) -> None:
    http, conv = visitor
    token = http.headers["Authorization"].removeprefix("Bearer ")
    client = await Client.open(f"{server.ws_url}/ws/visitor", {"token": token, "cursors": {conv: 0}})
    await client.until("welcome")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"type": "send", "client_ref": str(uuid.uuid4()), "body": NUL, "conversation_id": conv}, "body"),
        ({"type": "read", "conversation_id": conv, "seq": HUGE}, "seq"),
        ({"type": "typing", "conversation_id": NUL, "state": "start"}, "conversation_id"),
        ({"type": "resume", "cursors": {conv: HUGE}}, f"cursors.{conv}"),
    ]
    for frame, field in cases:
        await client.send({**frame, "ref": field})
        error, _ = await client.until("error")
        assert (error["field"], error["ref"]) == (field, field), error
    await client.send({"type": "ping"})
    await client.until("pong")  # the socket goes on
    await client.ws.close()
