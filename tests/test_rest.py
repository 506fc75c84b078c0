"""REST API v1 against a real server: auth, tokens, conversations, contacts, errors."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.server import Server

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("rest")).start()
    yield srv
    srv.stop()


@pytest.fixture
def owner(server: Server) -> Iterator[httpx.Client]:
    with server.login() as client:
        yield client


def start_chat(server: Server, body: str = "Hello from the widget") -> tuple[str, dict[str, object]]:
    key = server.widget_key()
    with httpx.Client(base_url=server.url) as http:
        token = http.post("/api/v1/widget/session", json={"website_key": key}).json()["token"]
        sent = http.post(
            "/api/v1/widget/messages",
            headers={"Authorization": f"Bearer {token}"},
            json={"client_ref": str(uuid.uuid4()), "body": body},
        )
        assert sent.status_code == 201
        return token, sent.json()


def test_login_me_and_logout(server: Server) -> None:
    with httpx.Client(base_url=server.url) as http:
        wrong = http.post("/api/v1/auth/login", json={"email": server.owner_email, "password": "nope-nope"})
        assert (wrong.status_code, wrong.json()["error"]["message"]) == (401, "wrong email or password")
        assert http.get("/api/v1/me").status_code == 401
    with server.login() as http:
        me = http.get("/api/v1/me").json()
        assert me["agent"]["email"] == server.owner_email and me["agent"]["role"] == "owner"
        assert me["websites"][0]["widget_key"].startswith("wk_")
        assert http.post("/api/v1/auth/logout").status_code == 204
        assert http.get("/api/v1/me").status_code == 401


def test_api_tokens_are_shown_once_work_as_bearer_and_can_be_revoked(server: Server, owner: httpx.Client) -> None:
    created = owner.post("/api/v1/tokens", json={"name": "CRM sync"})
    assert created.status_code == 201
    secret = created.json()["token"]
    listed = owner.get("/api/v1/tokens").json()["items"]
    assert any(t["id"] == created.json()["id"] for t in listed)
    assert all("token" not in t for t in listed)

    bearer = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(server.url + "/api/v1/me", headers=bearer).json()["agent"]["email"] == server.owner_email
    assert owner.delete(f"/api/v1/tokens/{created.json()['id']}").status_code == 204
    refused = httpx.get(server.url + "/api/v1/me", headers=bearer)
    assert refused.status_code == 401 and "API token" in refused.json()["error"]["message"]


def test_conversations_list_filter_update_and_reply(server: Server, owner: httpx.Client) -> None:
    _, sent = start_chat(server, "Where is my parcel?")
    conv = str(sent["conversation_id"])
    listed = owner.get("/api/v1/conversations", params={"status": "open", "assignee": "none"}).json()
    assert conv in [c["id"] for c in listed["items"]]
    found = next(c for c in listed["items"] if c["id"] == conv)
    assert found["last_message"]["body"] == "Where is my parcel?"

    ref = str(uuid.uuid4())
    reply = owner.post(f"/api/v1/conversations/{conv}/messages", json={"body": "On its way!", "client_ref": ref})
    again = owner.post(f"/api/v1/conversations/{conv}/messages", json={"body": "On its way!", "client_ref": ref})
    assert (reply.status_code, again.status_code) == (201, 200)
    assert reply.json()["id"] == again.json()["id"]
    mine = owner.get("/api/v1/conversations", params={"assignee": "me"}).json()["items"]
    assert conv in [c["id"] for c in mine]  # answering took the chat

    resolved = owner.patch(f"/api/v1/conversations/{conv}", json={"status": "resolved"}).json()
    assert resolved["status"] == "resolved"
    unassigned = owner.patch(f"/api/v1/conversations/{conv}", json={"assignee_id": None}).json()
    assert unassigned["assignee"] is None and unassigned["status"] == "resolved"
    history = owner.get(f"/api/v1/conversations/{conv}/messages").json()["items"]
    assert [m["author"]["type"] for m in history] == ["visitor", "agent", "system", "system"]
    assert owner.get(f"/api/v1/conversations/{conv}/messages", params={"after_seq": 2}).json()["items"][0]["seq"] == 3


def test_conversation_pages_follow_the_cursor(server: Server, owner: httpx.Client) -> None:
    for i in range(3):
        start_chat(server, f"page test {i}")
    first = owner.get("/api/v1/conversations", params={"limit": 2}).json()
    second = owner.get("/api/v1/conversations", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert first["next_cursor"] and len(first["items"]) == 2
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}


def test_contacts_list_and_edit(server: Server, owner: httpx.Client) -> None:
    _, sent = start_chat(server)
    conv = owner.get(f"/api/v1/conversations/{sent['conversation_id']}").json()
    contact_id = conv["contact"]["id"]
    updated = owner.patch(
        f"/api/v1/contacts/{contact_id}",
        json={"name": "Ada Lovelace", "email": "ada@example.com", "custom_attributes": {"plan": "pro"}},
    )
    assert updated.status_code == 200
    assert owner.get("/api/v1/contacts", params={"q": "lovelace"}).json()["items"][0]["id"] == contact_id
    merged = owner.patch(f"/api/v1/contacts/{contact_id}", json={"custom_attributes": {"seats": 5}}).json()
    assert merged["custom_attributes"] == {"plan": "pro", "seats": 5}
    bad = owner.patch(f"/api/v1/contacts/{contact_id}", json={"email": "not-an-email"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "email")


def test_bad_requests_name_what_was_wrong(server: Server, owner: httpx.Client) -> None:
    _, sent = start_chat(server)
    conv = sent["conversation_id"]
    wrong_type = owner.post(f"/api/v1/conversations/{conv}/messages", json={"body": 42})
    assert wrong_type.status_code == 422 and wrong_type.json()["error"]["field"] == "body"
    empty = owner.post(f"/api/v1/conversations/{conv}/messages", json={"body": ""})
    assert empty.json()["error"]["message"] == '"body" must be 1-10000 characters, got 0'
    unknown = owner.post(f"/api/v1/conversations/{conv}/messages", json={"body": "hi", "bodyy": "typo"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "bodyy"
    status = owner.patch(f"/api/v1/conversations/{conv}", json={"status": "closed"})
    assert status.status_code == 422 and status.json()["error"]["field"] == "status"
    not_json = owner.post(
        f"/api/v1/conversations/{conv}/messages", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    assert (not_json.status_code, not_json.json()["error"]["code"]) == (400, "bad_request")
    huge = owner.post(
        f"/api/v1/conversations/{conv}/messages",
        content=b"x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert (huge.status_code, huge.json()["error"]["code"]) == (413, "too_large")
    limit = owner.get("/api/v1/conversations", params={"limit": 1000})
    assert limit.status_code == 422 and limit.json()["error"]["field"] == "limit"
    assert owner.get("/api/v1/conversations/does-not-exist").status_code == 404
    assert httpx.get(server.url + "/readyz").status_code == 200


def test_cookie_requests_from_another_site_are_refused(server: Server) -> None:
    _, sent = start_chat(server)
    with server.login() as http:
        forged = http.patch(
            f"/api/v1/conversations/{sent['conversation_id']}",
            json={"status": "resolved"},
            headers={"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403
        assert http.get(f"/api/v1/conversations/{sent['conversation_id']}").json()["status"] == "open"


def test_widget_session_resumes_the_same_visitor(server: Server) -> None:
    token, sent = start_chat(server, "remember me")
    key = server.widget_key()
    with httpx.Client(base_url=server.url) as http:
        resumed = http.post("/api/v1/widget/session", json={"website_key": key, "token": token}).json()
        assert [c["id"] for c in resumed["conversations"]] == [sent["conversation_id"]]
        fresh = http.post("/api/v1/widget/session", json={"website_key": key, "token": "garbage"}).json()
        assert fresh["contact"]["id"] != resumed["contact"]["id"] and fresh["conversations"] == []
        unknown = http.post("/api/v1/widget/session", json={"website_key": "wk_nope"})
        assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "website_key"


def test_openapi_document_and_docs_are_served(server: Server) -> None:
    spec = httpx.get(server.url + "/api/v1/openapi.json").json()
    assert "/api/v1/conversations/{conversation_id}/messages" in spec["paths"]
    assert httpx.get(server.url + "/api/v1/docs").status_code == 200


def test_the_widget_api_answers_other_origins_but_the_console_api_does_not(server: Server) -> None:
    preflight = httpx.options(
        server.url + "/api/v1/widget/session",
        headers={
            "Origin": "https://shop.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    session = httpx.post(
        server.url + "/api/v1/widget/session",
        json={"website_key": server.widget_key()},
        headers={"Origin": "https://shop.example"},
    )
    assert session.headers["access-control-allow-origin"] == "*"
    console = httpx.get(server.url + "/api/v1/me", headers={"Origin": "https://shop.example"})
    assert "access-control-allow-origin" not in console.headers


def test_responses_say_how_long_the_server_took(server: Server, owner: httpx.Client) -> None:
    """``Server-Timing`` separates the server's time from the network's (benchmarks and dev tools read it)."""
    timing = owner.get("/api/v1/conversations", params={"status": "open"}).headers["server-timing"]
    name, _, duration = timing.partition(";dur=")
    assert name == "app" and float(duration) >= 0
