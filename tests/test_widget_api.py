"""The widget's HTTP API beyond chatting, against a real server with a real SMTP server:
identity, activity, forms, files, site notes, availability, settings, the SSE stream."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from frontdesk.actors import Role
from tests.factories import PASSWORD, make_agent
from tests.server import Server
from tests.smtp import Inbox, smtp_server
from tests.wsclient import agent, messages_in, session_cookie, visitor

pytestmark = pytest.mark.xdist_group("server")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def mail() -> Iterator[tuple[str, Inbox]]:
    with smtp_server() as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mail: tuple[str, Inbox]) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("widget-api"), extra_env={"FRONTDESK_SMTP_URL": mail[0]}).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def owner_cookie(server: Server) -> str:
    return session_cookie(server)


class Visitor:
    def __init__(self, server: Server) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=10)
        started = self.http.post("/api/v1/widget/session", json={"website_key": server.widget_key()}).json()
        self.session: dict[str, Any] = started
        self.use(started["token"])

    def use(self, token: str) -> None:
        self.token = token
        self.http.headers["Authorization"] = f"Bearer {token}"

    def say(self, body: str, **extra: Any) -> dict[str, Any]:
        response = self.http.post(
            "/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": body, **extra}
        )
        assert response.status_code == 201, response.text
        return dict(response.json())


def agent_view(server: Server, conversation_id: str) -> list[dict[str, Any]]:
    with server.login() as http:
        return list(http.get(f"/api/v1/conversations/{conversation_id}/messages").json()["items"])


def test_identify_updates_the_contact_agents_see(server: Server) -> None:
    vis = Visitor(server)
    sent = vis.say("hi")
    answer = vis.http.post(
        "/api/v1/widget/identify",
        json={
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "phone": "+44 20 1234",
            "custom_attributes": {"plan": "pro"},
            "status": ["Cart: 3 items", "Plan: Pro"],
        },
    ).json()
    assert answer["contact"]["name"] == "Ada Lovelace"
    with server.login() as http:
        conv = http.get(f"/api/v1/conversations/{sent['conversation_id']}").json()
        contact = http.get(f"/api/v1/contacts/{conv['contact']['id']}").json()
    assert (contact["email"], contact["phone"]) == ("ada@example.com", "+44 20 1234")
    assert contact["custom_attributes"] == {"plan": "pro"}
    assert contact["status_lines"] == ["Cart: 3 items", "Plan: Pro"]
    bad = vis.http.post("/api/v1/widget/identify", json={"email": "not an email"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "email")


def test_verified_identity_joins_the_customers_history_and_forgeries_are_refused(server: Server) -> None:
    with server.login() as http:
        website_id = http.get("/api/v1/me").json()["websites"][0]["id"]
        secret = http.post(f"/api/v1/websites/{website_id}/identity-secret").json()["identity_secret"]
    signature = hmac.new(secret.encode(), b"customer-42", hashlib.sha256).hexdigest()
    try:
        laptop = Visitor(server)
        first = laptop.use(
            laptop.http.post(
                "/api/v1/widget/identify", json={"external_id": "customer-42", "signature": signature}
            ).json()["token"]
        )
        assert first is None
        chat = laptop.say("from my laptop")

        phone = Visitor(server)
        forged = phone.http.post("/api/v1/widget/identify", json={"external_id": "customer-42", "signature": "0" * 64})
        assert forged.status_code == 403 and forged.json()["error"]["field"] == "signature"
        unsigned = phone.http.post("/api/v1/widget/identify", json={"external_id": "customer-42"})
        assert unsigned.status_code == 403
        joined = phone.http.post("/api/v1/widget/identify", json={"external_id": "customer-42", "signature": signature})
        phone.use(joined.json()["token"])
        history = phone.http.get(f"/api/v1/widget/conversations/{chat['conversation_id']}/messages").json()["items"]
        assert [m["body"] for m in history] == ["from my laptop"]
    finally:
        ctx = server.context()

        async def forget() -> None:
            from frontdesk.websites.models import Website

            async with ctx.db.transaction() as session:
                (await session.get_one(Website, website_id)).identity_secret = None
            await ctx.db.dispose()

        asyncio.run(forget())


async def test_page_views_reach_the_agents_live_with_the_device(server: Server, owner_cookie: str) -> None:
    vis = Visitor(server)
    console, _ = await agent(server, owner_cookie)
    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    )
    response = vis.http.post(
        "/api/v1/widget/activity",
        headers={"User-Agent": chrome},
        json={
            "url": "https://shop.example/pricing",
            "title": "Pricing",
            "referrer": "https://search.example/",
            "language": "de-DE",
            "time_zone": "Europe/Berlin",
            "screen": {"width": 1920, "height": 1080},
        },
    )
    assert response.status_code == 204
    frames = await console.quiet(0.5)
    viewed = [f for f in frames if f.get("event") == "contact.page_viewed"]
    assert viewed and viewed[0]["data"]["page_view"]["url"] == "https://shop.example/pricing"
    with server.login() as http:
        contact = http.get(f"/api/v1/contacts/{viewed[0]['data']['contact_id']}").json()
    assert contact["device"]["browser"] == "Chrome 120" and contact["device"]["os"] == "Windows"
    assert contact["device"]["time_zone"] == "Europe/Berlin"
    bad = vis.http.post("/api/v1/widget/activity", json={"url": "javascript:alert(1)"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "url"
    await console.close()


def wait_until_nobody_online(server: Server) -> None:
    for _ in range(50):
        if not Visitor(server).session["agents_online"]:
            return
        time.sleep(0.1)
    raise AssertionError("an agent stayed online after their console closed")


async def test_availability_follows_agent_consoles(server: Server, owner_cookie: str) -> None:
    wait_until_nobody_online(server)
    vis = Visitor(server)
    live, _ = await visitor(server, vis.token)
    console, _ = await agent(server, owner_cookie)
    assert Visitor(server).session["agents_online"] is True
    came = [f for f in await live.quiet(0.5) if f.get("event") == "availability.changed"]
    assert came[-1]["data"] == {"agents_online": True}
    await console.close()
    left = [f for f in await live.quiet(1.5) if f.get("event") == "availability.changed"]
    assert left[-1]["data"] == {"agents_online": False}
    await live.close()


def test_an_offline_message_becomes_a_conversation_and_an_email(server: Server, mail: tuple[str, Inbox]) -> None:
    vis = Visitor(server)
    before = len(mail[1].messages)
    ref = str(uuid.uuid4())
    left = vis.http.post(
        "/api/v1/widget/offline-messages",
        json={"client_ref": ref, "name": "Grace", "email": "grace@example.com", "body": "Please call me back"},
    )
    again = vis.http.post(
        "/api/v1/widget/offline-messages",
        json={"client_ref": ref, "name": "Grace", "email": "grace@example.com", "body": "Please call me back"},
    )
    assert (left.status_code, again.status_code) == (201, 200)
    with server.login() as http:
        listed = http.get("/api/v1/conversations").json()["items"]
    assert left.json()["conversation_id"] in [c["id"] for c in listed]
    emails = mail[1].wait_for(before + 1)
    team_mail = emails[before]
    assert team_mail["To"] == server.owner_email and team_mail["Reply-To"] == "grace@example.com"
    assert "Please call me back" in team_mail.get_payload()
    assert len(mail[1].wait_for(before + 2, timeout=1.5)) == before + 1  # the retry sent no second email


def test_rating_and_transcript(server: Server, mail: tuple[str, Inbox]) -> None:
    vis = Visitor(server)
    sent = vis.say("How do I reset my password?")
    conv = sent["conversation_id"]
    with server.login() as http:
        http.post(f"/api/v1/conversations/{conv}/messages", json={"body": "Use the link on the login page."})
        http.patch(f"/api/v1/conversations/{conv}", json={"status": "resolved"})
    rated = vis.http.post(f"/api/v1/widget/conversations/{conv}/rating", json={"score": 5, "comment": "Quick!"})
    assert rated.json() == {"score": 5, "comment": "Quick!"}
    assert vis.http.post(f"/api/v1/widget/conversations/{conv}/rating", json={"score": 9}).status_code == 422
    assert vis.http.get("/api/v1/widget/conversations").json()["items"][0]["rating"] == 5
    notes = [m["body"] for m in agent_view(server, conv) if m["private"]]
    assert any("rated the conversation 5/5: Quick!" in n for n in notes)

    before = len(mail[1].messages)
    asked = vis.http.post(f"/api/v1/widget/conversations/{conv}/transcript", json={"email": "ada@example.com"})
    assert asked.status_code == 202
    transcript = mail[1].wait_for(before + 1)[before]
    body = transcript.get_payload()
    assert transcript["To"] == "ada@example.com"
    assert "How do I reset my password?" in body and "Use the link on the login page." in body
    assert "rated" not in body  # private notes never leave


def test_attachments_are_checked_stored_and_served_safely(server: Server) -> None:
    vis = Visitor(server)
    up = vis.http.post("/api/v1/widget/attachments", files={"file": ("../../etc/photo.png", PNG, "image/png")})
    assert up.status_code == 201, up.text
    file = up.json()
    assert file["name"] == "photo.png" and file["image"] is True
    sent = vis.say("", attachment_ids=[file["id"]])
    assert sent["attachments"][0]["id"] == file["id"]
    served = httpx.get(server.url + sent["attachments"][0]["url"])
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert (
        served.headers["x-content-type-options"] == "nosniff" and "sandbox" in served.headers["content-security-policy"]
    )

    fake = vis.http.post("/api/v1/widget/attachments", files={"file": ("x.png", b"<svg onload=alert(1)>", "image/png")})
    assert fake.status_code == 422 and "not image/png" in fake.json()["error"]["message"]
    svg = vis.http.post("/api/v1/widget/attachments", files={"file": ("x.svg", b"<svg/>", "image/svg+xml")})
    assert svg.status_code == 422
    huge = vis.http.post(
        "/api/v1/widget/attachments", files={"file": ("big.png", PNG + b"0" * 11_000_000, "image/png")}
    )
    assert huge.status_code == 422 and "at most" in huge.json()["error"]["message"]

    other = Visitor(server)
    stolen = other.http.post(
        "/api/v1/widget/messages",
        json={"client_ref": str(uuid.uuid4()), "body": "mine now", "attachment_ids": [file["id"]]},
    )
    assert stolen.status_code == 404 and stolen.json()["error"]["field"] == "attachment_ids"
    unbound = vis.http.post("/api/v1/widget/attachments", files={"file": ("a.txt", b"hello", "text/plain")}).json()
    assert httpx.get(server.url + unbound["url"]).status_code == 404  # not served before it is sent


def test_site_notes_reach_agents_only_and_wait_for_the_conversation(server: Server) -> None:
    vis = Visitor(server)
    assert vis.http.post("/api/v1/widget/notify", json={"body": "Plan: Enterprise"}).status_code == 204
    sent = vis.say("Hello")
    conv = sent["conversation_id"]
    assert vis.http.post("/api/v1/widget/notify", json={"body": "Cart: 2 items"}).status_code == 204
    seen_by_agents = [(m["body"], m["private"]) for m in agent_view(server, conv)]
    assert seen_by_agents == [("Plan: Enterprise", True), ("Hello", False), ("Cart: 2 items", True)]
    seen_by_visitor = vis.http.get(f"/api/v1/widget/conversations/{conv}/messages").json()["items"]
    assert [m["body"] for m in seen_by_visitor] == ["Hello"]

    greeting = vis.http.post(
        "/api/v1/widget/site-messages", json={"client_ref": str(uuid.uuid4()), "body": "Need help choosing?"}
    ).json()
    assert greeting["author"]["type"] == "bot"


def test_only_admins_change_settings_and_widgets_hear_it_live(server: Server) -> None:
    ctx = server.context()

    async def add_agent() -> str:
        from frontdesk.agents.models import Agent
        from frontdesk.workspaces.queries import first_workspace

        workspace = await first_workspace(ctx.db)
        assert workspace is not None
        actor = await make_agent(ctx, workspace.id, role=Role.AGENT, name="Plain")
        async with ctx.db.reader() as session:
            email = (await session.get_one(Agent, actor.agent_id)).email
        await ctx.db.dispose()
        return email

    plain_email = asyncio.run(add_agent())

    async def scenario() -> None:
        vis = Visitor(server)
        live, _ = await visitor(server, vis.token)
        with server.login(plain_email, PASSWORD) as http:
            website_id = http.get("/api/v1/me").json()["websites"][0]["id"]
            refused = http.patch(f"/api/v1/websites/{website_id}", json={"settings": {"title": "Hacked"}})
            assert refused.status_code == 403
        with server.login() as http:
            bad = http.patch(f"/api/v1/websites/{website_id}", json={"settings": {"primary_color": "red"}})
            assert bad.status_code == 422 and bad.json()["error"]["field"] == "settings.primary_color"
            ok = http.patch(
                f"/api/v1/websites/{website_id}",
                json={"settings": {"title": "Talk to Acme", "prechat": {"enabled": True}}},
            )
            assert ok.status_code == 200 and ok.json()["settings"]["prechat"]["enabled"] is True
            assert ok.json()["settings"]["prechat"]["fields"][0]["name"] == "name"  # nested keys merge
        updates = [f for f in await live.quiet(0.5) if f.get("event") == "website.updated"]
        assert updates[-1]["data"]["website"]["settings"]["title"] == "Talk to Acme"
        assert "identity_secret" not in json.dumps(updates)
        await live.close()

    asyncio.run(scenario())


def test_the_http_stream_replays_then_streams_live_without_duplicates(server: Server) -> None:
    vis = Visitor(server)
    first = vis.say("before the stream")
    conv = first["conversation_id"]
    frames: list[dict[str, Any]] = []
    with httpx.stream(
        "GET",
        server.url + "/api/v1/widget/stream",
        headers={"Authorization": f"Bearer {vis.token}"},
        params={"cursors": json.dumps({conv: 0})},
        timeout=10,
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        for line in lines:
            if line.startswith("data: "):
                frames.append(json.loads(line[6:]))
                if frames[-1]["type"] == "synced":
                    break
        with server.login() as http:
            http.post(f"/api/v1/conversations/{conv}/messages", json={"body": "live over HTTP"})
        for line in lines:
            if line.startswith("data: "):
                frames.append(json.loads(line[6:]))
                if messages_in(frames[-1:]) and messages_in(frames[-1:])[0]["body"] == "live over HTTP":
                    break
    kinds = [f["type"] for f in frames]
    assert kinds[0] == "welcome" and "synced" in kinds
    assert [m["body"] for m in messages_in(frames)] == ["before the stream", "live over HTTP"]
    assert vis.http.post("/api/v1/widget/typing", json={"conversation_id": conv, "state": "start"}).status_code == 204
    assert vis.http.post("/api/v1/widget/read", json={"conversation_id": conv, "seq": 2}).status_code == 204
    bad = vis.http.get("/api/v1/widget/stream", params={"cursors": "[1]"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursors"


async def test_the_welcome_carries_the_look_and_availability_and_the_config_is_public(server: Server) -> None:
    vis = Visitor(server)
    live, _ = await visitor(server, vis.token)
    assert live.welcome["website"]["settings"]["primary_color"].startswith("#")
    assert isinstance(live.welcome["agents_online"], bool)
    await live.close()
    async with httpx.AsyncClient(base_url=server.url) as public:
        config = await public.get("/api/v1/widget/config", params={"website_key": server.widget_key()})
        missing = await public.get("/api/v1/widget/config", params={"website_key": "wk_nope"})
    assert config.status_code == 200 and "max-age" in config.headers["cache-control"]
    assert "identity_secret" not in config.text and config.json()["website"]["settings"]["title"]
    assert missing.status_code == 404
    sent = vis.say("read me")
    with server.login() as http:
        http.post(f"/api/v1/conversations/{sent['conversation_id']}/messages", json={"body": "hi"})
    briefs = vis.http.get("/api/v1/widget/conversations").json()["items"]
    assert briefs[0]["agent_last_read_seq"] == 0
