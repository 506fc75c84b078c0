"""Who a widget speaks for, against a real server: a second person in the same browser,
an id claimed before verification was turned on, the widget's reset(), a blocked
visitor's token, and the tokens themselves (HMAC-SHA256, a lifetime, revocation)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer
from websockets.exceptions import ConnectionClosed

from frontdesk.migrations.registry import Website
from frontdesk.tokens import SALT, VisitorClaims, VisitorTokens
from tests.server import Server
from tests.wsclient import Client, visitor

pytestmark = pytest.mark.xdist_group("server")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("identity")).start()
    yield srv
    srv.stop()


class Browser:
    """One browser's widget: its token, kept across calls as the widget keeps it."""

    def __init__(self, server: Server, token: str | None = None) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)
        started = self.http.post("/api/v1/widget/session", json={"website_key": server.widget_key(), "token": token})
        assert started.status_code == 200, started.text
        self.contact_id: str = started.json()["contact"]["id"]
        self.use(started.json()["token"])

    def use(self, token: str) -> None:
        self.token = token
        self.http.headers["Authorization"] = f"Bearer {token}"

    def identify(self, **identity: Any) -> httpx.Response:
        response = self.http.post("/api/v1/widget/identify", json=identity)
        if response.status_code == 200:
            self.use(response.json()["token"])
            self.contact_id = response.json()["contact"]["id"]
        return response

    def say(self, body: str) -> dict[str, Any]:
        response = self.http.post("/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": body})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def conversation_ids(self) -> list[str]:
        return [c["id"] for c in self.http.get("/api/v1/widget/conversations").json()["items"]]


def website_id(server: Server) -> str:
    with server.login() as http:
        return str(http.get("/api/v1/me").json()["websites"][0]["id"])


def turn_verification(server: Server, on: bool) -> str | None:
    """Turns identity verification on (returns the secret) or off."""
    wid = website_id(server)
    if on:
        with server.login() as http:
            return str(http.post(f"/api/v1/websites/{wid}/identity-secret").json()["identity_secret"])
    ctx = server.context()

    async def off() -> None:
        async with ctx.db.transaction() as session:
            (await session.get_one(Website, wid)).identity_secret = None
        await ctx.db.dispose()

    asyncio.run(off())
    return None


def sign(secret: str, external_id: str) -> str:
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def verified(server: Server) -> Iterator[str]:
    secret = turn_verification(server, True)
    assert secret is not None
    yield secret
    turn_verification(server, False)


def test_a_second_verified_person_in_the_same_browser_never_reads_the_firsts_chats(
    server: Server, verified: str
) -> None:
    shared = Browser(server)
    assert shared.identify(external_id="alice", signature=sign(verified, "alice")).status_code == 200
    alice_id = shared.contact_id
    secret_chat = shared.say("alice's order number is 7741")["conversation_id"]

    # Bob logs in on the same computer, on a site that forgot to call reset().
    assert shared.identify(external_id="bob", signature=sign(verified, "bob"), name="Bob").status_code == 200
    assert shared.contact_id != alice_id
    assert shared.conversation_ids() == []
    leak = shared.http.get(f"/api/v1/widget/conversations/{secret_chat}/messages")
    assert leak.status_code == 404

    # Alice, on her own phone later, still has her history; Bob's contact is his own.
    phone = Browser(server)
    assert phone.identify(external_id="alice", signature=sign(verified, "alice")).status_code == 200
    assert phone.contact_id == alice_id and phone.conversation_ids() == [secret_chat]
    with server.login() as http:
        bob = http.get(f"/api/v1/contacts/{shared.contact_id}").json()
        assert (bob["name"], bob["external_id"]) == ("Bob", "bob")


def test_switching_unverified_ids_in_one_browser_starts_a_new_contact(server: Server) -> None:
    shared = Browser(server)
    shared.identify(external_id="u-carol", name="Carol")
    carol_chat = shared.say("carol writes")["conversation_id"]
    carol_id = shared.contact_id
    dave = shared.identify(external_id="u-dave", custom_attributes={"plan": "pro"}, status=["Cart: 1"])
    assert dave.status_code == 200, dave.text
    assert shared.contact_id != carol_id and carol_chat not in shared.conversation_ids()
    # Saying the same id again is the same person: nothing changes.
    again = Browser(server)
    again.identify(external_id="u-erin")
    erin = again.contact_id
    again.identify(external_id="u-erin", name="Erin")
    assert again.contact_id == erin


def test_an_id_claimed_before_verification_never_captures_the_real_customer(server: Server) -> None:
    attacker = Browser(server)
    # Verification is off: the claim is stored, unverified.
    assert attacker.identify(external_id="cust-1001").status_code == 200
    attacker_contact = attacker.contact_id

    secret = turn_verification(server, True)
    assert secret is not None
    try:
        customer = Browser(server)
        assert customer.identify(external_id="cust-1001", signature=sign(secret, "cust-1001")).status_code == 200
        assert customer.contact_id != attacker_contact
        chat = customer.say("my card ends in 4242")["conversation_id"]

        assert chat not in attacker.conversation_ids()
        assert attacker.http.get(f"/api/v1/widget/conversations/{chat}/messages").status_code == 404
        refused = attacker.identify(external_id="cust-1001")
        assert refused.status_code == 403 and refused.json()["error"]["field"] == "signature"

        # The customer's second device joins their verified contact, not the claim.
        laptop = Browser(server)
        laptop.identify(external_id="cust-1001", signature=sign(secret, "cust-1001"))
        assert laptop.contact_id == customer.contact_id and laptop.conversation_ids() == [chat]
    finally:
        turn_verification(server, False)


async def test_reset_ends_every_token_of_the_visitor_and_closes_their_sockets(server: Server) -> None:
    browser = Browser(server)
    browser.identify(external_id="u-frank")
    chat = browser.say("frank's question")["conversation_id"]
    old_token = browser.token
    other_tab, _ = await visitor(server, old_token)

    assert browser.http.post("/api/v1/widget/session/end").status_code == 204

    with pytest.raises(ConnectionClosed) as closed:
        await other_tab.quiet(5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4009
    assert browser.http.get("/api/v1/widget/conversations").status_code == 401
    reconnect = await Client.open(server.ws_url + "/ws/visitor", {"token": old_token, "cursors": {}})
    error = await reconnect.recv()
    assert error["type"] == "error" and error["code"] == "unauthorized"
    # The old token starts a new, empty visitor: the next person sees nothing of Frank.
    fresh = Browser(server, token=old_token)
    assert fresh.contact_id != browser.contact_id and fresh.conversation_ids() == []
    assert fresh.http.get(f"/api/v1/widget/conversations/{chat}/messages").status_code == 404


@pytest.fixture
def rude(server: Server) -> Iterator[Browser]:
    """A visitor the test blocks; unblocked after (their address is every test's address)."""
    browser = Browser(server)
    yield browser
    with server.login() as http:
        http.post(f"/api/v1/contacts/{browser.contact_id}/block", json={"blocked": False}).raise_for_status()


async def test_a_blocked_visitors_token_can_do_nothing(server: Server, rude: Browser) -> None:
    browser = rude
    chat = browser.say("hello, I am going to be rude")["conversation_id"]
    live, _ = await visitor(server, browser.token)
    with server.login() as http:
        blocked = http.post(f"/api/v1/contacts/{browser.contact_id}/block", json={"blocked": True})
        assert blocked.status_code == 200, blocked.text

    with pytest.raises(ConnectionClosed):
        await live.quiet(5)
    post = {
        "/api/v1/widget/messages": {"client_ref": str(uuid.uuid4()), "body": "again"},
        "/api/v1/widget/identify": {"name": "x"},
        "/api/v1/widget/notify": {"body": "note"},
        "/api/v1/widget/site-messages": {"client_ref": str(uuid.uuid4()), "body": "bot"},
        f"/api/v1/widget/conversations/{chat}/transcript": {"email": "x@example.com"},
        f"/api/v1/widget/conversations/{chat}/rating": {"score": 1},
        "/api/v1/widget/typing": {"conversation_id": chat, "state": "start"},
        "/api/v1/widget/read": {"conversation_id": chat, "seq": 1},
        "/api/v1/widget/activity": {"url": "https://shop.example/"},
        "/api/v1/widget/offline-messages": {
            "client_ref": str(uuid.uuid4()),
            "name": "x",
            "email": "x@example.com",
            "body": "y",
        },
    }
    for path, body in post.items():
        answer = browser.http.post(path, json=body)
        assert (path, answer.status_code) == (path, 403), answer.text
    upload = browser.http.post("/api/v1/widget/attachments", files={"file": ("a.png", PNG, "image/png")})
    assert upload.status_code == 403
    for path in ("/api/v1/widget/conversations", f"/api/v1/widget/conversations/{chat}/messages"):
        assert browser.http.get(path).status_code == 403
    assert browser.http.get("/api/v1/widget/stream").status_code == 403
    assert browser.http.post("/api/v1/widget/session/end").status_code == 403
    again = browser.http.post(
        "/api/v1/widget/session", json={"website_key": server.widget_key(), "token": browser.token}
    )
    assert again.status_code == 403
    reconnect = await Client.open(server.ws_url + "/ws/visitor", {"token": browser.token, "cursors": {}})
    error = await reconnect.recv()
    assert (error["type"], error["code"]) == ("error", "forbidden")


def test_tokens_are_hmac_sha256_with_a_lifetime_and_old_sha1_tokens_only_renew() -> None:
    secret = "a-secret"
    tokens = VisitorTokens(secret, max_age_s=1)
    claims = VisitorClaims(contact_id="c" * 32, website_id="w" * 32, version=2)
    token = tokens.issue(claims)
    sha256 = URLSafeTimedSerializer(secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})
    assert sha256.loads(token)["c"] == claims.contact_id
    assert tokens.verify(token) == claims
    sha1 = URLSafeTimedSerializer(secret, salt=SALT).dumps({"c": claims.contact_id, "w": claims.website_id})
    assert tokens.verify(sha1) is None
    assert tokens.verify(sha1, legacy=True) == VisitorClaims(claims.contact_id, claims.website_id, 0)
    time.sleep(2.1)
    assert tokens.verify(token) is None


def test_a_returning_visitor_with_a_sha1_token_keeps_their_chats(server: Server) -> None:
    browser = Browser(server)
    chat = browser.say("before the upgrade")["conversation_id"]
    website = website_id(server)
    legacy = URLSafeTimedSerializer(server.secret, salt=SALT).dumps({"c": browser.contact_id, "w": website})
    refused = httpx.get(f"{server.url}/api/v1/widget/conversations", headers={"Authorization": f"Bearer {legacy}"})
    assert refused.status_code == 401
    renewed = Browser(server, token=legacy)
    assert renewed.contact_id == browser.contact_id and renewed.conversation_ids() == [chat]
