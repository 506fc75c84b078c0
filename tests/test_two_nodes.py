"""Two real server processes on PostgreSQL + Redis behave as one: cross-node chat and
inbox, capacity held across nodes, and kill -9 of a node with nothing acknowledged lost
or duplicated (a checker compares what was sent, acknowledged, stored and received)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from frontdesk.conversations.models import Conversation
from frontdesk.messages.models import Message
from frontdesk.routing.availability import AgentChanges, set_status, update_agent
from frontdesk.routing.teams import RuleSpec, TeamSpec, save_rule, save_team
from frontdesk.workspaces.queries import first_workspace
from tests import services
from tests.factories import make_agent, reload
from tests.server import Server
from tests.wsclient import Client, agent, messages_in, session_cookie, visitor, visitor_token

pytestmark = pytest.mark.xdist_group("nodes")


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    redis_url = services.require_redis()
    database = services.create_pg_database()
    a = Server(tmp_path_factory.mktemp("node-a"), database, redis_url).start()
    b = Server(tmp_path_factory.mktemp("node-b"), database, redis_url).start()
    b.owner_email, b.owner_password = a.owner_email, a.owner_password  # one cluster, one owner
    yield a, b
    for node in (a, b):
        node.stop()
    services.drop_pg_database(database)


async def test_a_visitor_on_one_node_and_an_agent_on_the_other_chat(nodes: tuple[Server, Server]) -> None:
    a, b = nodes
    console, _ = await agent(b, session_cookie(b))
    vis, _ = await visitor(a, await visitor_token(a, a.widget_key()))
    sent = await vis.say("Hello from node A")
    conv = sent["message"]["conversation_id"]
    inbox = await console.quiet(0.8)
    assert any(f.get("event") == "conversation.created" and f["conversation_id"] == conv for f in inbox)
    assert "Hello from node A" in [m["body"] for m in messages_in(inbox)]
    await console.say("Hello from node B", conv)
    assert "Hello from node B" in [m["body"] for m in messages_in(await vis.quiet(0.8))]
    await asyncio.gather(console.close(), vis.close())


async def test_capacity_holds_across_nodes(nodes: tuple[Server, Server]) -> None:
    a, b = nodes
    ctx = a.context()
    workspace = await first_workspace(ctx.db)
    assert workspace is not None
    owner = await make_agent(
        ctx, workspace.id, name="Boss", role=__import__("frontdesk.agents.models", fromlist=["Role"]).Role.ADMIN
    )
    pair = [await make_agent(ctx, workspace.id, name=n) for n in ("Nia", "Noa")]
    team = await save_team(ctx, owner, TeamSpec(name="Cross", member_ids=[p.agent_id for p in pair]))
    await save_rule(ctx, owner, RuleSpec(name="cross", team_id=team.id, conditions=[], position=0))
    for person in pair:
        await update_agent(ctx, owner, person.agent_id, AgentChanges(max_chats=2))
        await set_status(ctx, await reload(ctx, person), person.agent_id, "online")

    async def chat(node: Server, i: int) -> str:
        async with httpx.AsyncClient(base_url=node.url) as http:
            token = (await http.post("/api/v1/widget/session", json={"website_key": a.widget_key()})).json()["token"]
            sent = await http.post(
                "/api/v1/widget/messages",
                headers={"Authorization": f"Bearer {token}"},
                json={"client_ref": str(uuid.uuid4()), "body": f"rush {i}"},
            )
            return str(sent.json()["conversation_id"])

    ids = await asyncio.gather(*(chat(a if i % 2 else b, i) for i in range(12)))
    async with ctx.db.reader() as session:
        chats = list(await session.scalars(select(Conversation).where(Conversation.id.in_(ids))))
        # New agents also join the default team, so a seat may hold an earlier test's chat.
        held = Counter(
            c.assignee_id
            for c in await session.scalars(
                select(Conversation).where(
                    Conversation.assignee_id.in_([p.agent_id for p in pair]), Conversation.status != "resolved"
                )
            )
        )
    await ctx.db.dispose()
    assert held == Counter({pair[0].agent_id: 2, pair[1].agent_id: 2})  # full, never past capacity
    assigned_here = sum(1 for c in chats if c.assignee_id)
    assert sum(1 for c in chats if c.queued_at is not None and c.assignee_id is None) == 12 - assigned_here


@pytest.fixture
def doomed_cluster(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    redis_url = services.require_redis()
    database = services.create_pg_database()
    a = Server(tmp_path / "a", database, redis_url).start()
    b = Server(tmp_path / "b", database, redis_url).start()
    yield a, b
    a.kill()
    b.stop()
    services.drop_pg_database(database)


async def test_kill_9_of_a_node_loses_and_duplicates_nothing(doomed_cluster: tuple[Server, Server]) -> None:
    """Twenty visitors on a node that dies mid-stream finish on the other node."""
    await _kill_and_check(*doomed_cluster)


async def _listen(console: Client, received: Counter[str], done: asyncio.Event) -> None:
    """Counts each visitor message the agent's socket delivers."""
    while not done.is_set():
        try:
            frame = await console.recv(0.5)
        except TimeoutError:
            continue
        for message in messages_in([frame]):
            if message["author"]["type"] == "visitor":
                received[message["client_ref"]] += 1


async def _kill_and_check(a: Server, b: Server) -> None:
    key = a.widget_key()
    console, _ = await agent(b, session_cookie(b, a.owner_email, a.owner_password))
    received: Counter[str] = Counter()
    done = asyncio.Event()
    listener = asyncio.create_task(_listen(console, received, done))
    sent: dict[str, str] = {}  # client_ref -> body, everything a visitor tried to send
    acked: set[str] = set()
    killed = asyncio.Event()

    async def one_visitor(n: int) -> None:
        token = await visitor_token(a, key)
        node, cursors = a, {}
        client, _ = await visitor(node, token)
        for i in range(15):
            ref = str(uuid.uuid4())
            sent[ref] = f"v{n} m{i}"
            while ref not in acked:
                try:
                    reply = await client.say(sent[ref], client_ref=ref)
                    if reply["type"] == "ack":
                        acked.add(ref)
                        cursors[reply["message"]["conversation_id"]] = reply["message"]["seq"]
                except (ConnectionClosed, TimeoutError, OSError):
                    node = b  # the load balancer sends the reconnect to the surviving node
                    client = await _reconnect(node, token, cursors)
            if i == 5 and n == 0:
                killed.set()
            await asyncio.sleep(0.02)
        await client.close()

    async def killer() -> None:
        await killed.wait()
        a.kill()

    await asyncio.gather(killer(), *(one_visitor(n) for n in range(20)))
    await asyncio.sleep(1.0)
    done.set()
    await listener
    await console.close()

    ctx = b.context()
    async with ctx.db.reader() as session:
        stored = Counter(
            r
            for r in await session.scalars(
                select(Message.client_ref).where(Message.author_type == "visitor", Message.client_ref.in_(list(sent)))
            )
        )
    await ctx.db.dispose()
    assert acked == set(sent)  # every visitor finished: each message acknowledged once retried
    assert set(stored) == acked and set(stored.values()) == {1}  # stored exactly once
    missing = acked - set(received)
    assert not missing, f"{len(missing)} acknowledged messages never reached the agent"
    assert set(received.values()) == {1}, "an agent saw a message twice"


async def _reconnect(node: Server, token: str, cursors: dict[str, int]) -> Client:
    for _ in range(50):
        try:
            client, _ = await visitor(node, token, cursors)
            return client
        except (ConnectionClosed, OSError, TimeoutError):
            await asyncio.sleep(0.1)
    raise AssertionError("could not reconnect to the surviving node")
