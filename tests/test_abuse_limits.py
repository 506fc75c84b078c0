"""What an anonymous visitor's token can do a thousand times a minute, against real
servers: every limit answers 429 with Retry-After (an error frame on the socket),
transcripts follow the website's settings and go to one address, uploads have quotas
and unsent ones are swept, the page calls are marked as the visitor's browser's."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from frontdesk.conversations.emails import speaker
from frontdesk.mail.sender import Email, MemorySender
from frontdesk.messages.models import Message
from tests import services
from tests.server import Server
from tests.smtp import Inbox, smtp_server
from tests.wsclient import visitor

pytestmark = pytest.mark.xdist_group("server")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TIGHT = {
    "messages.visitor": "3/minute",
    "conversations.visitor": "1/hour",
    "offline.visitor": "1/hour",
    "uploads.visitor": "2/hour",
    "typing.visitor": "2/minute",
    "identify.visitor": "2/minute",
    "transcripts.conversation": "2/hour",
    "notes.visitor": "2/hour",
    "ratings.visitor": "2/hour",
}


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mail: tuple[str, Inbox]) -> Iterator[Server]:
    env = {
        "FRONTDESK_SMTP_URL": mail[0],
        "FRONTDESK_RATE_LIMITS": json.dumps(TIGHT),
        "FRONTDESK_UPLOAD_QUOTA_VISITOR_MB": "1",
        "FRONTDESK_ORPHAN_UPLOAD_HOURS": "0.0005",  # 1.8 s
    }
    srv = Server(tmp_path_factory.mktemp("abuse"), extra_env=env).start()
    yield srv
    srv.stop()


class Visitor:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)
        started = self.http.post("/api/v1/widget/session", json={"website_key": server.widget_key()})
        assert started.status_code == 200, started.text
        self.session: dict[str, Any] = started.json()
        self.token: str = started.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def say(self, body: str) -> httpx.Response:
        return self.http.post("/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": body})


def refused(response: httpx.Response, what: str) -> None:
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    error = response.json()["error"]
    assert error["code"] == "rate_limited" and what in error["message"], error


def resolve(server: Server, conversation_id: str) -> None:
    with server.login() as http:
        http.patch(f"/api/v1/conversations/{conversation_id}", json={"status": "resolved"}).raise_for_status()


def test_each_visitor_limit_answers_429_with_retry_after(server: Server) -> None:
    vis = Visitor(server)
    chat = vis.say("one").json()["conversation_id"]
    assert vis.say("two").status_code == 201 and vis.say("three").status_code == 201
    refused(vis.say("four"), "messages from one visitor")
    assert Visitor(server).say("another visitor is not held back").status_code == 201

    typing = {"conversation_id": chat, "state": "start"}
    for _ in range(2):
        assert vis.http.post("/api/v1/widget/typing", json=typing).status_code == 204
    refused(vis.http.post("/api/v1/widget/typing", json=typing), "typing signals")
    for _ in range(2):
        assert vis.http.post("/api/v1/widget/identify", json={"name": "Mallory"}).status_code == 200
    refused(vis.http.post("/api/v1/widget/identify", json={"name": "Mallory"}), "identify calls")
    for _ in range(2):
        assert vis.http.post("/api/v1/widget/notify", json={"body": "note"}).status_code == 204
    refused(vis.http.post("/api/v1/widget/notify", json={"body": "note"}), "site notes")
    for _ in range(2):
        up = vis.http.post("/api/v1/widget/attachments", files={"file": ("a.png", PNG, "image/png")})
        assert up.status_code == 201
    refused(vis.http.post("/api/v1/widget/attachments", files={"file": ("a.png", PNG, "image/png")}), "uploads")

    offline = Visitor(server)
    form = {"name": "Eve", "email": "eve@example.com", "body": "call me"}
    assert offline.http.post("/api/v1/widget/offline-messages", json={**form, "client_ref": str(uuid.uuid4())})
    refused(
        offline.http.post("/api/v1/widget/offline-messages", json={**form, "client_ref": str(uuid.uuid4())}),
        "offline messages",
    )


def test_a_visitor_starts_only_so_many_conversations(server: Server) -> None:
    vis = Visitor(server)
    first = vis.say("first chat").json()["conversation_id"]
    resolve(server, first)
    refused(vis.say("a second chat in the same hour"), "new conversations")
    mine = vis.http.get("/api/v1/widget/conversations").json()["items"]
    assert [c["id"] for c in mine] == [first]  # nothing was stored for the refused one


async def test_the_socket_answers_an_error_frame_with_retry_after(server: Server) -> None:
    vis = Visitor(server)
    client, _ = await visitor(server, vis.token)
    answers = [await client.say(f"socket {n}") for n in range(4)]
    assert [a["type"] for a in answers] == ["ack", "ack", "ack", "error"]
    assert answers[3]["code"] == "rate_limited" and 1 <= answers[3]["retry_after"] <= 60
    chat = answers[0]["message"]["conversation_id"]
    for _ in range(2):
        await client.send({"type": "typing", "conversation_id": chat, "state": "start"})
    await client.send({"type": "typing", "conversation_id": chat, "state": "start", "ref": "t3"})
    error, _ = await client.until("error")
    assert (error["code"], error["ref"]) == ("rate_limited", "t3") and error["retry_after"] >= 1
    await client.close()


def test_limits_per_address_hold_for_every_visitor_from_it(tmp_path_factory: pytest.TempPathFactory) -> None:
    limits = {"messages.ip": "4/minute", "contacts.ip": "3/hour"}
    env = {"FRONTDESK_RATE_LIMITS": json.dumps(limits)}
    srv = Server(tmp_path_factory.mktemp("abuse-ip"), extra_env=env).start()
    try:
        one, two = Visitor(srv), Visitor(srv)
        assert [one.say("a").status_code, two.say("b").status_code] == [201, 201]
        assert [one.say("c").status_code, two.say("d").status_code] == [201, 201]
        refused(one.say("e"), "messages from one address")
        refused(two.say("f"), "messages from one address")
        Visitor(srv)  # the third new visitor from this address
        fourth = httpx.post(f"{srv.url}/api/v1/widget/session", json={"website_key": srv.widget_key()})
        refused(fourth, "new visitors from one address")
        returning = httpx.post(
            f"{srv.url}/api/v1/widget/session", json={"website_key": srv.widget_key(), "token": one.token}
        )
        assert returning.status_code == 200  # a returning visitor is not a new one
        # Nor can one mint contacts by switching external ids: a new person is a new visitor.
        assert one.http.post("/api/v1/widget/identify", json={"external_id": "id-1"}).status_code == 200
        refused(one.http.post("/api/v1/widget/identify", json={"external_id": "id-2"}), "new visitors")
    finally:
        srv.stop()


def test_limits_hold_across_two_nodes_on_redis(tmp_path_factory: pytest.TempPathFactory) -> None:
    redis_url = services.require_redis()
    database = services.create_pg_database()
    env = {"FRONTDESK_RATE_LIMITS": json.dumps({"messages.visitor": "3/minute"})}
    a = Server(tmp_path_factory.mktemp("limits-a"), database, redis_url, extra_env=env).start()
    b = Server(tmp_path_factory.mktemp("limits-b"), database, redis_url, extra_env=env).start()
    try:
        vis = Visitor(a)
        on_b = httpx.Client(base_url=b.url, headers={"Authorization": f"Bearer {vis.token}"}, timeout=10)
        assert vis.say("on a").status_code == 201
        sends = [on_b.post("/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": n}) for n in "xy"]
        assert [s.status_code for s in sends] == [201, 201]
        refused(vis.say("a fourth, on a"), "messages from one visitor")
    finally:
        a.stop()
        b.stop()
        services.drop_pg_database(database)


def test_transcripts_follow_the_setting_and_go_to_one_address(server: Server, mail: tuple[str, Inbox]) -> None:
    vis = Visitor(server)
    vis.http.post("/api/v1/widget/identify", json={"name": "Acme Support Team"})
    chat = vis.say("my question").json()["conversation_id"]
    with server.login() as http:
        http.post(f"/api/v1/conversations/{chat}/messages", json={"body": "our answer"}).raise_for_status()
    ask = f"/api/v1/widget/conversations/{chat}/transcript"

    patch_settings(server, {"transcript_enabled": False, "rating_enabled": False})
    try:
        off = vis.http.post(ask, json={"email": "ada@example.com"})
        assert off.status_code == 403 and "does not send transcripts" in off.json()["error"]["message"]
        no_rating = vis.http.post(f"/api/v1/widget/conversations/{chat}/rating", json={"score": 5})
        assert no_rating.status_code == 403
    finally:
        patch_settings(server, {"transcript_enabled": True, "rating_enabled": True})

    before = len(mail[1].messages)
    assert vis.http.post(ask, json={"email": "ada@example.com"}).status_code == 202
    other = vis.http.post(ask, json={"email": "victim@example.org"})
    assert other.status_code == 409 and other.json()["error"]["field"] == "email"
    assert vis.http.post(ask, json={"email": "ada@example.com"}).status_code == 202
    refused(vis.http.post(ask, json={"email": "ada@example.com"}), "transcripts of one conversation")
    sent = mail[1].wait_for(before + 2)[before:]
    assert {m["To"] for m in sent} == {"ada@example.com"}
    body = sent[0].get_payload()
    # The visitor called themselves "Acme Support Team": their line still reads as theirs.
    assert "You: my question" in body and "Acme Support Team" not in body
    with server.login() as http:
        contact_id = http.get(f"/api/v1/conversations/{chat}").json()["contact"]["id"]
        assert http.get(f"/api/v1/contacts/{contact_id}").json()["email"] == "ada@example.com"


def test_without_smtp_nothing_promises_an_email(tmp_path_factory: pytest.TempPathFactory) -> None:
    srv = Server(tmp_path_factory.mktemp("no-mail")).start()
    try:
        vis = Visitor(srv)
        settings = vis.session["website"]["settings"]
        assert settings["email_available"] is False and settings["transcript_enabled"] is False
        chat = vis.say("hello").json()["conversation_id"]
        refusal = vis.http.post(f"/api/v1/widget/conversations/{chat}/transcript", json={"email": "a@example.com"})
        assert refusal.status_code == 403 and "sends no email" in refusal.json()["error"]["message"]
    finally:
        srv.stop()


def test_the_page_calls_are_marked_and_can_be_turned_off(server: Server) -> None:
    vis = Visitor(server)
    chat = vis.say("hi").json()["conversation_id"]
    assert vis.http.post("/api/v1/widget/notify", json={"body": "Plan: Enterprise (says the page)"}).status_code == 204
    posted = vis.http.post("/api/v1/widget/site-messages", json={"client_ref": str(uuid.uuid4()), "body": "Hi!"})
    assert posted.status_code == 201
    with server.login() as http:
        items = http.get(f"/api/v1/conversations/{chat}/messages").json()["items"]
    by_body = {m["body"]: m for m in items}
    assert by_body["Plan: Enterprise (says the page)"]["system"]["origin"] == "visitor_browser"
    assert by_body["Plan: Enterprise (says the page)"]["author"]["name"] == "Visitor's browser"
    assert by_body["Hi!"]["system"] == {"origin": "visitor_browser"}

    patch_settings(server, {"site_notes_enabled": False, "site_messages_enabled": False})
    try:
        other = Visitor(server)
        assert other.http.post("/api/v1/widget/notify", json={"body": "x"}).status_code == 403
        off = other.http.post("/api/v1/widget/site-messages", json={"client_ref": str(uuid.uuid4()), "body": "y"})
        assert off.status_code == 403
    finally:
        patch_settings(server, {"site_notes_enabled": True, "site_messages_enabled": True})


def test_uploads_have_a_quota_honest_names_and_unsent_ones_are_swept(server: Server) -> None:
    vis = Visitor(server)
    bad_name = vis.http.post("/api/v1/widget/attachments", files={"file": ("invoice.html", PNG, "image/png")})
    assert bad_name.status_code == 422 and ".html" in bad_name.json()["error"]["message"]
    vis = Visitor(server)  # each visitor may upload twice an hour here
    tricky = vis.http.post(
        "/api/v1/widget/attachments", files={"file": ("photo\u202egnp.exe\u200b.png", PNG, "image/png")}
    )
    assert tricky.status_code == 201 and tricky.json()["name"] == "photognp.exe.png"
    sent_file = vis.http.post("/api/v1/widget/attachments", files={"file": ("kept", PNG, "image/png")}).json()
    assert sent_file["name"] == "kept.png"
    message = vis.http.post(
        "/api/v1/widget/messages",
        json={"client_ref": str(uuid.uuid4()), "body": "", "attachment_ids": [sent_file["id"]]},
    )
    assert message.status_code == 201

    # The orphan (the unsent upload) goes after ~2 s; the sent one stays.
    orphan_path = server.var_dir / "attachments" / tricky.json()["id"][:2] / tricky.json()["id"]
    kept_path = server.var_dir / "attachments" / sent_file["id"][:2] / sent_file["id"]
    assert orphan_path.exists()
    deadline = time.monotonic() + 15
    while orphan_path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not orphan_path.exists() and kept_path.exists()
    unsent_again = vis.http.post(
        "/api/v1/widget/messages",
        json={"client_ref": str(uuid.uuid4()), "body": "", "attachment_ids": [tricky.json()["id"]]},
    )
    assert unsent_again.status_code == 404  # gone, as if it never was

    big = Visitor(server)
    half_mb = PNG + b"\x00" * (600 * 1024)
    assert (
        big.http.post("/api/v1/widget/attachments", files={"file": ("a.png", half_mb, "image/png")}).status_code == 201
    )
    over = big.http.post("/api/v1/widget/attachments", files={"file": ("b.png", half_mb, "image/png")})
    assert over.status_code == 403 and "1 MB" in over.json()["error"]["message"]


async def test_the_memory_mail_sender_keeps_only_the_last_hundred() -> None:
    sender = MemorySender()
    for n in range(250):
        await sender.send(Email(to=f"{n}@example.com", subject="s", text="t"))
    assert len(sender.sent) == 100 and sender.sent[-1].to == "249@example.com"


def test_transcript_speakers() -> None:
    def line(author_type: str, name: str, system: dict[str, Any] | None = None) -> str:
        return speaker(Message(author_type=author_type, author_name=name, system=system), "Acme")

    assert line("visitor", "Acme Support") == "You"
    assert line("agent", "Grace") == "Grace (Acme)"
    assert line("bot", "Acme", {"origin": "visitor_browser"}) == "Acme (posted by the page you were on)"


def patch_settings(server: Server, settings: dict[str, Any]) -> None:
    with server.login() as http:
        website_id = http.get("/api/v1/me").json()["websites"][0]["id"]
        http.patch(f"/api/v1/websites/{website_id}", json={"settings": settings}).raise_for_status()
