"""Webhooks: signed per Standard Webhooks and verified with the stock library by a real
HTTP receiver; delivered at least once, in order per conversation, through failures,
timeouts and a worker killed mid-send; never to a non-public address unless allowed."""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import json
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from frontdesk.actors import AgentActor, Role
from frontdesk.agents.models import Agent
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.errors import Conflict, Forbidden, Invalid
from frontdesk.events import DURABLE
from frontdesk.jobs.models import Job
from frontdesk.mail.sender import MemorySender
from frontdesk.outbox.dispatch import OutboxEvent
from frontdesk.realtime.memory import MemoryBus
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorTokens
from frontdesk.webhooks import actions, notices, prune, queries
from frontdesk.webhooks.actions import EndpointSpec
from frontdesk.webhooks.addresses import non_public_kind
from frontdesk.webhooks.delivery import DeliveryLoop
from frontdesk.webhooks.listener import fan_out
from frontdesk.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontdesk.webhooks.payloads import SUBSCRIBABLE
from frontdesk.webhooks.sender import RESPONSE_CAP
from tests import services
from tests.factories import make_agent, make_team
from tests.server import BIN, Server
from tests.webhook_receiver import Received, Reply, receiving

FAST = [0.05] * 12  # the retry schedule in tests: the same steps, without the hours
_event_ids = itertools.count(int(time.time() * 1000))


def Event(id: int, name: str, workspace_id: str, conversation_id: str | None, data: dict[str, Any]) -> OutboxEvent:
    """An outbox row as the dispatcher hands it to durable listeners."""
    return OutboxEvent(id, name, workspace_id, conversation_id, data, utcnow())


def message_event(workspace_id: str, conversation_id: str, seq: int) -> OutboxEvent:
    data = {"message": {"id": uuid.uuid4().hex, "conversation_id": conversation_id, "seq": seq, "body": f"#{seq}"}}
    return Event(next(_event_ids), "message.created", workspace_id, conversation_id, data)


def settings_for(database_url: str, tmp_path: Path, **webhooks: Any) -> Settings:
    values = {"webhooks_allow_private": True, "webhooks_retry_schedule": FAST, "webhooks_timeout_seconds": 1.0}
    values.update(webhooks)
    return Settings(
        database_url=database_url, var_dir=tmp_path, secret_key="test-secret", **{k: v for k, v in values.items()}
    )


def context(settings: Settings) -> Context:
    return Context(
        db=Database(settings.resolved_database_url),
        bus=MemoryBus(),
        settings=settings,
        visitor_tokens=VisitorTokens("test-secret"),
        mail=MemorySender(),
    )


@pytest.fixture
async def hooks(database_url: str, tmp_path: Path) -> AsyncIterator[Context]:
    ctx = context(settings_for(database_url, tmp_path))
    yield ctx
    await ctx.db.dispose()


@pytest.fixture
async def owner(hooks: Context) -> AsyncIterator[AgentActor]:
    team = await make_team(hooks)
    yield team.owner
    # The database is shared by the module's tests: no delivery of this one is left for the next.
    for endpoint in await queries.endpoints(hooks.db, team.owner):
        await actions.delete_endpoint(hooks, team.owner, endpoint.id)


async def add_endpoint(ctx: Context, owner: AgentActor, url: str, events: list[str] | None = None) -> WebhookEndpoint:
    return await actions.create_endpoint(ctx, owner, EndpointSpec(url=url, events=events or ["message.created"]))


async def publish(ctx: Context, events: list[OutboxEvent]) -> None:
    """What the outbox dispatcher does: the listener, inside one write transaction."""
    async with ctx.db.transaction() as session:
        await fan_out(session, events)


async def deliveries_of(ctx: Context, endpoint_id: str) -> list[WebhookDelivery]:
    async with ctx.db.reader() as session:
        query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        return list(await session.scalars(query.order_by(WebhookDelivery.seq)))


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def run_until_settled(ctx: Context, endpoint_ids: list[str], timeout: float = 30) -> None:
    """Run a delivery loop until no delivery of these endpoints is pending."""
    loop = asyncio.create_task(DeliveryLoop(ctx).run_forever())

    async def settled() -> bool:
        rows = [d for e in endpoint_ids for d in await deliveries_of(ctx, e)]
        return all(d.status != "pending" for d in rows)

    try:
        await until(settled, timeout)
    finally:
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)


def test_webhooks_offer_every_durable_event_of_the_catalog() -> None:
    assert set(SUBSCRIBABLE) == {name.value for name in DURABLE}


# --- signatures -------------------------------------------------------------------


async def test_a_real_receiver_verifies_every_request_with_standardwebhooks(hooks: Context, owner: AgentActor) -> None:
    with receiving() as receiver:
        endpoint = await add_endpoint(hooks, owner, receiver.url)
        assert endpoint.secret.startswith("whsec_")
        event = message_event(owner.workspace_id, uuid.uuid4().hex, 1)
        await publish(hooks, [event])
        await run_until_settled(hooks, [endpoint.id])
        (got,) = receiver.received
        payload = Webhook(endpoint.secret).verify(got.body, got.headers)
        assert payload == {"type": "message.created", "timestamp": payload["timestamp"], "data": event.data}
        assert payload["timestamp"].endswith("Z")
        assert got.id.startswith("msg_") and got.headers["content-type"] == "application/json"
        with pytest.raises(WebhookVerificationError):  # someone else's secret
            Webhook("whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=").verify(got.body, got.headers)
        with pytest.raises(WebhookVerificationError):  # a body changed on the way
            Webhook(endpoint.secret).verify(got.body.replace(b"#1", b"#2"), got.headers)


async def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(hooks: Context, owner: AgentActor) -> None:
    with receiving() as receiver:
        endpoint = await add_endpoint(hooks, owner, receiver.url)
        old = endpoint.secret
        rotated = await actions.rotate_secret(hooks, owner, endpoint.id)
        assert rotated.secret != old and rotated.previous_secret_expires_at is not None
        await publish(hooks, [message_event(owner.workspace_id, uuid.uuid4().hex, 1)])
        await run_until_settled(hooks, [endpoint.id])
        (got,) = receiver.received
        assert [part[:3] for part in got.headers["webhook-signature"].split(" ")] == ["v1,", "v1,"]
        Webhook(rotated.secret).verify(got.body, got.headers)
        Webhook(old).verify(got.body, got.headers)

        async with hooks.db.transaction() as session:  # the overlap is over
            stored = await session.get_one(WebhookEndpoint, endpoint.id)
            stored.previous_secret_expires_at = utcnow()
        await publish(hooks, [message_event(owner.workspace_id, uuid.uuid4().hex, 1)])
        await run_until_settled(hooks, [endpoint.id])
        later = receiver.received[1]
        Webhook(rotated.secret).verify(later.body, later.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(later.body, later.headers)


# --- at least once, exactly once per webhook-id, in order ---------------------------


def flaky(failures: int) -> Callable[[Received], Reply]:
    """The first ``failures`` requests fail: 500s, 503s with a body, and hangs past the
    sender's 1 s timeout, in turn; then every request is answered 200."""
    count = itertools.count()
    kinds = [Reply(500, body=b"oops"), Reply(503, body=b"maintenance"), Reply(200, delay=1.5)]

    def script(_: Received) -> Reply:
        n = next(count)
        return kinds[n % len(kinds)] if n < failures else Reply()

    return script


async def test_a_receiver_that_fails_then_recovers_gets_every_event_once_per_id_in_order(
    hooks: Context, owner: AgentActor
) -> None:
    conversations = [uuid.uuid4().hex for _ in range(4)]
    with receiving(flaky(failures=15)) as receiver:
        first = await add_endpoint(hooks, owner, receiver.url)
        second = await add_endpoint(hooks, owner, receiver.url + "/second")
        # Interleaved as chats happen; each conversation's own events in seq order.
        events = [message_event(owner.workspace_id, c, seq) for seq in range(1, 6) for c in conversations]
        for batch in (events[:7], events[7:12], events[12:]):
            await publish(hooks, batch)
        await run_until_settled(hooks, [first.id, second.id], timeout=60)

        rows = await deliveries_of(hooks, first.id) + await deliveries_of(hooks, second.id)
        assert len(rows) == 2 * len(events) and {d.status for d in rows} == {"delivered"}
        assert sum(1 for r in receiver.received if r.reply.status != 200 or r.reply.delay) == 15

        acknowledged = receiver.answered_ok()
        assert sorted(r.id for r in acknowledged) == sorted(d.id for d in rows)  # each acknowledged exactly once
        for r in receiver.received:  # every attempt of one id carries the same body, signed
            assert r.body == next(a.body for a in acknowledged if a.id == r.id)
        receiver.verify({"/hooks": first.secret, "/hooks/second": second.secret})
        tried: dict[tuple[str, str], list[int]] = defaultdict(list)
        done: dict[tuple[str, str], list[int]] = defaultdict(list)
        for r in receiver.received:
            message = r.payload["data"]["message"]
            tried[(r.path, message["conversation_id"])].append(message["seq"])
        for r in acknowledged:
            message = r.payload["data"]["message"]
            done[(r.path, message["conversation_id"])].append(message["seq"])
        assert len(done) == 8 and all(seqs == [1, 2, 3, 4, 5] for seqs in done.values())
        # Nothing of a chat was even tried before the event before it was acknowledged.
        assert all(seqs == sorted(seqs) for seqs in tried.values())


# --- what the log keeps, and what counts as delivered -------------------------------


async def test_the_log_keeps_each_attempt_a_redirect_is_a_failure_and_big_answers_are_cut(
    hooks: Context, owner: AgentActor
) -> None:
    big = b"x" * (RESPONSE_CAP * 4)
    replies = iter([Reply(302, body=b"moved"), Reply(200, body=big)])
    with receiving(lambda _: next(replies)) as receiver:
        endpoint = await add_endpoint(hooks, owner, receiver.url)
        await publish(hooks, [message_event(owner.workspace_id, uuid.uuid4().hex, 1)])
        await run_until_settled(hooks, [endpoint.id])
        (delivery,) = await deliveries_of(hooks, endpoint.id)
        found, attempts = await queries.delivery(hooks.db, owner, endpoint.id, delivery.id)
        assert [a.status_code for a in attempts] == [302, 200] and [a.number for a in attempts] == [1, 2]
        assert attempts[0].error == "answered 302" and attempts[0].response_body == "moved"
        assert len(attempts[1].response_body) == RESPONSE_CAP and attempts[1].error is None
        assert attempts[1].request_headers["webhook-id"] == delivery.id
        assert found.status == "delivered" and found.attempts == 2 and found.body.encode() == receiver.received[0].body
        assert len(receiver.received) == 2  # the redirect was not followed


async def test_send_again_makes_a_new_attempt_with_the_same_webhook_id(hooks: Context, owner: AgentActor) -> None:
    with receiving() as receiver:
        endpoint = await add_endpoint(hooks, owner, receiver.url)
        await publish(hooks, [message_event(owner.workspace_id, uuid.uuid4().hex, 1)])
        await run_until_settled(hooks, [endpoint.id])
        (delivery,) = await deliveries_of(hooks, endpoint.id)
        again = await actions.send_again(hooks, owner, endpoint.id, delivery.id)
        assert again.status == "pending"
        await run_until_settled(hooks, [endpoint.id])
        assert receiver.ids() == [delivery.id, delivery.id]
        assert receiver.received[0].body == receiver.received[1].body
        _, attempts = await queries.delivery(hooks.db, owner, endpoint.id, delivery.id)
        assert [a.number for a in attempts] == [1, 2]


async def test_a_test_event_is_sent_whatever_the_endpoint_asked_for(hooks: Context, owner: AgentActor) -> None:
    with receiving() as receiver:
        endpoint = await add_endpoint(hooks, owner, receiver.url, ["contact.updated"])
        ping = await actions.send_test(hooks, owner, endpoint.id)
        await run_until_settled(hooks, [endpoint.id])
        (got,) = receiver.received
        payload = Webhook(endpoint.secret).verify(got.body, got.headers)
        assert (got.id, payload["type"], payload["data"]["endpoint_id"]) == (ping.id, "webhook.test", endpoint.id)
        await actions.update_endpoint(hooks, owner, endpoint.id, EndpointSpec(enabled=False))
        with pytest.raises(Conflict, match="turned off"):
            await actions.send_test(hooks, owner, endpoint.id)


async def test_an_endpoint_gets_only_the_events_it_asked_for_of_its_own_workspace(
    hooks: Context, owner: AgentActor
) -> None:
    other = await make_team(hooks, "Other")
    with receiving() as receiver:
        endpoint = await add_endpoint(hooks, owner, receiver.url, ["contact.updated"])
        chat = uuid.uuid4().hex
        contact = Event(next(_event_ids), "contact.updated", owner.workspace_id, None, {"contact": {"id": "c"}})
        strange = Event(next(_event_ids), "contact.updated", other.workspace_id, None, {"contact": {"id": "x"}})
        typing = Event(next(_event_ids), "typing.started", owner.workspace_id, chat, {})
        await publish(hooks, [message_event(owner.workspace_id, chat, 1), contact, strange, typing])
        await run_until_settled(hooks, [endpoint.id])
        assert [r.payload["data"] for r in receiver.received] == [{"contact": {"id": "c"}}]


# --- sustained failure ---------------------------------------------------------------


async def test_an_endpoint_failing_for_the_whole_window_is_turned_off_and_its_admins_emailed(
    database_url: str, tmp_path: Path
) -> None:
    # Every attempt fails for one second while retries go on every quarter of a second.
    window = {"webhooks_disable_after_hours": 1 / 3600, "webhooks_retry_schedule": [0.25] * 40}
    ctx = context(settings_for(database_url, tmp_path, **window))
    team = await make_team(ctx)
    admin = await make_agent(ctx, team.workspace_id, Role.ADMIN, name="Ada Admin")
    await make_agent(ctx, team.workspace_id, Role.AGENT, name="Pat Agent")
    try:
        with receiving(lambda _: Reply(500)) as receiver:
            endpoint = await add_endpoint(ctx, team.owner, receiver.url)
            chats = [uuid.uuid4().hex for _ in range(3)]
            await publish(ctx, [message_event(team.workspace_id, c, 1) for c in chats])

            async def turned_off() -> bool:
                return not (await queries.endpoint(ctx.db, team.owner, endpoint.id)).enabled

            loop = asyncio.create_task(DeliveryLoop(ctx).run_forever())
            try:
                await until(turned_off)
            finally:
                loop.cancel()
                await asyncio.gather(loop, return_exceptions=True)
            found = await queries.endpoint(ctx.db, team.owner, endpoint.id)
            assert (found.disabled_reason, found.failing_since is not None) == ("failing", True)
            tried = len(receiver.received)
            await publish(ctx, [message_event(team.workspace_id, chats[0], 2)])  # none while off
            await asyncio.sleep(0.3)
            assert len(receiver.received) == tried
            assert len(await deliveries_of(ctx, endpoint.id)) == 3

            async with ctx.db.reader() as session:
                jobs = await session.scalars(select(Job).where(Job.kind == notices.JOB))
                queued = [job.payload for job in jobs if job.payload == {"endpoint_id": endpoint.id}]
                emails = set(
                    await session.scalars(
                        select(Agent.email)
                        .where(Agent.role.in_(["owner", "admin"]))
                        .where(Agent.workspace_id == team.workspace_id)
                    )
                )
            assert len(queued) == 1  # in the transaction that turned it off
            await notices.send_disabled_notice(ctx, queued[0])  # what the outbox worker runs
            sent = list(ctx.mail.sent)  # type: ignore[attr-defined]  # a MemorySender
            assert {m.to for m in sent} == emails and len(sent) == 2 and admin.role == "admin"
            assert receiver.url in sent[0].text and "turned this endpoint off" in sent[0].text

            back = await actions.update_endpoint(ctx, team.owner, endpoint.id, EndpointSpec(enabled=True))
            assert (back.enabled, back.disabled_reason, back.failing_since) == (True, None, None)
    finally:
        for endpoint in await queries.endpoints(ctx.db, team.owner):
            await actions.delete_endpoint(ctx, team.owner, endpoint.id)
        await ctx.db.dispose()


# --- no requests to non-public addresses unless allowed -----------------------------


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("10.0.0.8", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("::ffff:192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata services
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_which_addresses_are_not_public(address: str, kind: str | None) -> None:

    assert non_public_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks",
        "http://localhost/hooks",
        "http://[::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://127.1/",
        "http://0x7f000001/",
        "http://0/",
        "http://169.254.169.254/latest/meta-data/",
        "https://10.1.2.3/",
    ],
)
async def test_a_non_public_url_is_refused_when_saved(database_url: str, tmp_path: Path, url: str) -> None:
    ctx = context(settings_for(database_url, tmp_path, webhooks_allow_private=False))
    team = await make_team(ctx)
    try:
        with pytest.raises(Invalid) as refused:
            await add_endpoint(ctx, team.owner, url)
        assert refused.value.field == "url"
        assert "only to public addresses" in refused.value.message and "FRONTDESK_WEBHOOKS_ALLOW_PRIVATE" in (
            refused.value.message
        )
    finally:
        await ctx.db.dispose()


async def test_127_0_0_1_is_refused_at_send_time_unless_allowed(database_url: str, tmp_path: Path) -> None:
    """Saved while allowed (or a name that resolved elsewhere then): the connection itself
    checks the address it is about to use, so nothing reaches the receiver."""
    allowed = context(settings_for(database_url, tmp_path))
    strict = context(settings_for(database_url, tmp_path, webhooks_allow_private=False))
    team = await make_team(allowed)
    try:
        with receiving() as receiver:
            endpoint = await add_endpoint(allowed, team.owner, receiver.url)
            await publish(allowed, [message_event(team.workspace_id, uuid.uuid4().hex, 1)])
            loop = DeliveryLoop(strict)
            await loop.start_due()
            await asyncio.gather(*loop.in_flight)
            assert receiver.received == []
            (delivery,) = await deliveries_of(strict, endpoint.id)
            assert delivery.status == "pending" and delivery.attempts == 1
            assert delivery.last_error is not None
            assert delivery.last_error.startswith("refused: 127.0.0.1 is a loopback address")

            await actions.send_again(allowed, team.owner, endpoint.id, delivery.id)  # now allowed
            await run_until_settled(allowed, [endpoint.id])
            assert receiver.ids() == [delivery.id]
            await loop.sender.close()
    finally:
        for endpoint in await queries.endpoints(allowed.db, team.owner):
            await actions.delete_endpoint(allowed, team.owner, endpoint.id)
        await allowed.db.dispose()
        await strict.db.dispose()


# --- who may, and what is refused -----------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
async def test_only_owners_and_admins_manage_webhooks(hooks: Context, owner: AgentActor, role: Role) -> None:
    endpoint = await add_endpoint(hooks, owner, "https://203.0.113.7/hooks")  # documentation range: never sent
    someone = await make_agent(hooks, owner.workspace_id, role)
    calls = [
        queries.endpoints(hooks.db, someone),
        queries.endpoint(hooks.db, someone, endpoint.id),
        actions.create_endpoint(hooks, someone, EndpointSpec(url="https://example.com/", events=["message.created"])),
        actions.update_endpoint(hooks, someone, endpoint.id, EndpointSpec(enabled=False)),
        actions.rotate_secret(hooks, someone, endpoint.id),
        actions.send_test(hooks, someone, endpoint.id),
        actions.delete_endpoint(hooks, someone, endpoint.id),
    ]
    for call in calls:
        with pytest.raises(Forbidden, match="only owners and admins may"):
            await call
    admin = await make_agent(hooks, owner.workspace_id, Role.ADMIN)
    assert [e.id for e in await queries.endpoints(hooks.db, admin)] == [endpoint.id]
    await actions.update_endpoint(hooks, admin, endpoint.id, EndpointSpec(enabled=False))


@pytest.mark.parametrize(
    ("spec", "field", "says"),
    [
        (EndpointSpec(url="ftp://example.com/", events=["message.created"]), "url", "https://"),
        (EndpointSpec(url="https://user:pw@example.com/", events=["message.created"]), "url", "password"),
        (EndpointSpec(url="https://example.com:99999/", events=["message.created"]), "url", "port"),
        (EndpointSpec(url="https://example.com/", events=[]), "events", "at least one"),
        (EndpointSpec(url="https://example.com/", events=["message.created", "typing.started"]), "events.1", "one of"),
        (EndpointSpec(events=["message.created"]), "url", "required"),
        (
            EndpointSpec(url="https://example.com/", events=["message.created"], description="x" * 501),
            "description",
            "0-500",
        ),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    hooks: Context, owner: AgentActor, spec: EndpointSpec, field: str, says: str
) -> None:
    with pytest.raises(Invalid) as refused:
        await actions.create_endpoint(hooks, owner, spec)
    assert refused.value.field == field and says in refused.value.message


# --- the log is pruned ----------------------------------------------------------------


async def test_finished_deliveries_are_pruned_after_the_log_days_pending_ones_stay(
    hooks: Context, owner: AgentActor
) -> None:
    endpoint = await add_endpoint(hooks, owner, "https://203.0.113.7/hooks")
    chats = [uuid.uuid4().hex for _ in range(3)]
    await publish(hooks, [message_event(owner.workspace_id, c, 1) for c in chats])
    rows = await deliveries_of(hooks, endpoint.id)
    long_ago = utcnow().replace(year=2020)
    async with hooks.db.transaction() as session:
        for row, status in zip(rows, ["delivered", "failed", "pending"], strict=True):
            stored = await session.get_one(WebhookDelivery, row.seq)
            stored.status, stored.created_at, stored.next_attempt_at = status, long_ago, None
            session.add(
                WebhookAttempt(delivery_id=row.id, number=1, started_at=long_ago, duration_ms=3, request_headers={})
            )
    while await prune.prune_log(hooks):
        pass
    left = await deliveries_of(hooks, endpoint.id)
    assert [d.status for d in left] == ["pending"]
    async with hooks.db.reader() as session:
        attempts = list(
            await session.scalars(
                select(WebhookAttempt.delivery_id).where(WebhookAttempt.delivery_id.in_([r.id for r in rows]))
            )
        )
    assert attempts == [left[0].id]


# --- end to end: a real server, its outbox, and `frontdesk worker` ---------------------

FAST_ENV = {
    "FRONTDESK_WEBHOOKS_ALLOW_PRIVATE": "true",
    "FRONTDESK_WEBHOOKS_RETRY_SCHEDULE": json.dumps([0.2] * 10),
    "FRONTDESK_WEBHOOKS_TIMEOUT_SECONDS": "2",
}


class WorkerProcess:
    """``frontdesk worker`` beside a server: the outbox dispatcher and the delivery loop."""

    def __init__(self, server: Server) -> None:
        self.log = server.var_dir / f"worker-{uuid.uuid4().hex[:6]}.log"
        with self.log.open("w") as out:  # a file, not a pipe: a worker never blocks on its output
            self.proc = subprocess.Popen([str(BIN), "worker"], env=server.env(), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while "frontdesk worker" not in self.log.read_text():
            assert self.proc.poll() is None and time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def visitor_says(server: Server, bodies: list[str]) -> str:
    """A visitor's chat over the widget's REST API; its conversation id."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        key = server.widget_key()
        token = http.post("/api/v1/widget/session", json={"website_key": key}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        conversation = None
        for body in bodies:
            sent = http.post(
                "/api/v1/widget/messages",
                headers=auth,
                json={
                    "client_ref": uuid.uuid4().hex,
                    "body": body,
                    **({"conversation_id": conversation} if conversation else {}),
                },
            )
            assert sent.status_code == 201, sent.text
            conversation = sent.json()["conversation_id"]
        assert conversation is not None
        return str(conversation)


def bodies_by_conversation(received: list[Received]) -> dict[str, list[str]]:
    said: dict[str, list[str]] = defaultdict(list)
    for r in received:
        payload = r.payload
        if payload["type"] == "message.created":
            said[payload["data"]["message"]["conversation_id"]].append(payload["data"]["message"]["body"])
    return said


@pytest.fixture(params=["sqlite", "postgres"])
def server_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None  # the server's default: SQLite under its var dir
        return
    url = services.create_pg_database()
    yield url
    services.drop_pg_database(url)


@pytest.mark.xdist_group("server")
def test_through_the_server_events_arrive_signed_in_order_and_none_is_lost_when_the_worker_is_killed_mid_send(
    tmp_path_factory: pytest.TempPathFactory, server_database: str | None
) -> None:
    """The server writes events to its outbox; ``frontdesk worker`` hands them to the
    webhooks and sends them. It is killed (SIGKILL) while the receiver holds a request
    open; events keep coming while it is down; a new worker sends everything, the
    interrupted delivery again under the same webhook-id."""
    held = threading.Event()
    seen_first = threading.Event()

    def script(r: Received) -> Reply:
        if not seen_first.is_set() and r.payload["type"] == "message.created":
            seen_first.set()
            return Reply(hold=held)  # the worker dies while this request is open
        return Reply()

    server = Server(
        tmp_path_factory.mktemp("hooks-kill"), server_database, extra_env={**FAST_ENV, "FRONTDESK_RUN_WORKER": "false"}
    ).start()
    worker = WorkerProcess(server)
    try:
        with receiving(script) as receiver, server.login() as owner:
            created = owner.post(
                "/api/v1/webhooks", json={"url": receiver.url, "events": ["message.created", "conversation.created"]}
            )
            assert created.status_code == 201, created.text
            endpoint = created.json()
            first_chat = visitor_says(server, ["one", "two", "three"])
            deadline = time.monotonic() + 20
            while not seen_first.is_set():
                assert time.monotonic() < deadline, "no delivery reached the receiver"
                time.sleep(0.02)
            interrupted = next(r.id for r in receiver.received if r.payload["type"] == "message.created")
            worker.kill()
            held.set()  # answers a dead connection

            second_chat = visitor_says(server, ["four", "five"])  # into the outbox while no worker runs
            worker = WorkerProcess(server)
            page: dict[str, Any] = {}
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                page = owner.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", params={"limit": 100}).json()
                if len(page["items"]) == 7 and all(d["status"] == "delivered" for d in page["items"]):
                    break
                time.sleep(0.2)
            assert [d["status"] for d in page["items"]] == ["delivered"] * 7, worker.log.read_text()

            receiver.verify({"/hooks": endpoint["secret"]})
            assert receiver.ids().count(interrupted) == 2  # sent again, same id
            assert {r.id for r in receiver.received} == {d["id"] for d in page["items"]}  # nothing lost
            said = bodies_by_conversation([r for r in receiver.received if r.id != interrupted or r.reply.hold is None])
            assert said == {first_chat: ["one", "two", "three"], second_chat: ["four", "five"]}
            firsts = [r for r in receiver.received if r.payload["type"] == "conversation.created"]
            assert len({r.id for r in firsts}) == 2  # each chat's own, delivered before its messages (the same gate)
    finally:
        worker.stop()
        server.stop()


# --- the REST API of a server with the default settings ---------------------------------

AGENT_EMAIL, AGENT_PASSWORD = "hooks.agent@example.com", "agent-password-123"


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("hooks-rest")).start()
    command = [str(BIN), "create-agent", "--email", AGENT_EMAIL, "--name", "Pat", "--password", AGENT_PASSWORD]
    subprocess.run(command, env=srv.env(), check=True, capture_output=True)
    yield srv
    srv.stop()


@pytest.mark.xdist_group("server")
@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hooks", "http://localhost/hooks", "http://[::1]/"])
def test_rest_refuses_a_loopback_endpoint_by_default(strict_server: Server, url: str) -> None:
    with strict_server.login() as owner:
        refused = owner.post("/api/v1/webhooks", json={"url": url, "events": ["message.created"]})
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert error["field"] == "url" and "loopback address" in error["message"]
        assert "FRONTDESK_WEBHOOKS_ALLOW_PRIVATE=true" in error["message"]


@pytest.mark.xdist_group("server")
def test_rest_is_for_owners_and_admins_and_names_the_field_at_fault(strict_server: Server) -> None:
    with strict_server.login() as owner:
        created = owner.post(
            "/api/v1/webhooks",
            json={"url": "https://hooks.example.com/frontdesk", "events": ["message.created"], "enabled": False},
        )
        assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
        hook = created.json()["id"]
        assert owner.get(f"/api/v1/webhooks/{hook}/secret").json()["secret"] == created.json()["secret"]
        events = [e["name"] for e in owner.get("/api/v1/webhook-events").json()["items"]]
        assert set(events) == {name.value for name in DURABLE}
        bad = {
            "events.0": {"url": "https://example.com/", "events": ["typing.started"]},
            "events": {"url": "https://example.com/", "events": []},
            "url": {"url": "example.com/hooks", "events": ["message.created"]},
            "colour": {"url": "https://example.com/", "events": ["message.created"], "colour": "red"},
        }
        for field_name, body in bad.items():
            answer = owner.post("/api/v1/webhooks", json=body)
            assert (answer.status_code, answer.json()["error"]["field"]) == (422, field_name), answer.text
        turned_off = owner.post(f"/api/v1/webhooks/{hook}/test")
        assert turned_off.status_code == 409
    with strict_server.login(AGENT_EMAIL, AGENT_PASSWORD) as agent:
        for method, path in [
            ("GET", "/api/v1/webhooks"),
            ("POST", "/api/v1/webhooks"),
            ("GET", f"/api/v1/webhooks/{hook}/secret"),
            ("PATCH", f"/api/v1/webhooks/{hook}"),
            ("POST", f"/api/v1/webhooks/{hook}/rotate-secret"),
            ("GET", f"/api/v1/webhooks/{hook}/deliveries"),
            ("DELETE", f"/api/v1/webhooks/{hook}"),
        ]:
            body = (
                {"url": "https://example.com/", "events": ["message.created"]} if method in ("POST", "PATCH") else None
            )
            answer = agent.request(method, path, json=body)
            assert answer.status_code == 403, (method, path, answer.text)
            assert "only owners and admins may" in answer.json()["error"]["message"]


def test_the_payload_schemas_in_docs_webhooks_md_are_current() -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "gen_webhook_docs.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("host", ["0" * 70 + ".example.com", "b\x9fd.example.com", "a..b.example.com"])
async def test_a_host_that_is_no_valid_name_is_refused_naming_the_url(
    hooks: Context, owner: AgentActor, host: str
) -> None:
    with pytest.raises(Invalid) as refused:
        await add_endpoint(hooks, owner, f"https://{host}/hooks")
    assert refused.value.field == "url" and "not a valid name" in refused.value.message
