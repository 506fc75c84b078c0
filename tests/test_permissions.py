"""Roles over REST and the socket: owner, admin, supervisor, agent (docs/permissions.md)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from frontdesk.actors import Role
from frontdesk.agents.models import Agent
from frontdesk.routing.teams import RuleSpec, TeamSpec, save_rule, save_team
from frontdesk.workspaces.queries import first_workspace
from tests.factories import PASSWORD, make_agent, reload
from tests.server import Server
from tests.wsclient import agent, messages_in, session_cookie, visitor

pytestmark = pytest.mark.xdist_group("server")


@dataclass
class Cast:
    emails: dict[str, str]
    ids: dict[str, str]
    sales_team: str
    support_team: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("permissions")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def cast(server: Server) -> Cast:
    """Sales answers pages under /pricing; Support everything else."""

    async def setup() -> Cast:
        ctx = server.context()
        workspace = await first_workspace(ctx.db)
        assert workspace is not None
        people = {
            role: await make_agent(ctx, workspace.id, role=Role(role_name), name=name)
            for role, role_name, name in [
                ("admin", "admin", "Adam"),
                ("supervisor", "supervisor", "Sue"),
                ("sales", "agent", "Sam"),
                ("support", "agent", "Pat"),
            ]
        }
        async with ctx.db.reader() as session:
            owner = await session.scalar(__import__("sqlalchemy").select(Agent).where(Agent.role == "owner"))
        assert owner is not None
        owner_actor = await reload(ctx, people["admin"])
        sales = await save_team(ctx, owner_actor, TeamSpec(name="Sales", member_ids=[people["sales"].agent_id]))
        support = await save_team(ctx, owner_actor, TeamSpec(name="Support", member_ids=[people["support"].agent_id]))
        await save_rule(
            ctx,
            owner_actor,
            RuleSpec(
                name="pricing", team_id=sales.id, conditions=[{"field": "url", "op": "contains", "value": "/pricing"}]
            ),
        )
        await save_rule(ctx, owner_actor, RuleSpec(name="rest", team_id=support.id, conditions=[]))
        async with ctx.db.reader() as session:
            emails = {k: (await session.get_one(Agent, a.agent_id)).email for k, a in people.items()}
        await ctx.db.dispose()
        return Cast(
            emails=emails, ids={k: a.agent_id for k, a in people.items()}, sales_team=sales.id, support_team=support.id
        )

    return asyncio.run(setup())


def start_chat(server: Server, page: str, body: str) -> tuple[str, str]:
    """A visitor on ``page`` writes; returns their token and conversation id."""
    with httpx.Client(base_url=server.url) as http:
        token = http.post("/api/v1/widget/session", json={"website_key": server.widget_key()}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        http.post("/api/v1/widget/activity", headers=auth, json={"url": f"https://shop.example{page}"})
        sent = http.post("/api/v1/widget/messages", headers=auth, json={"client_ref": str(uuid.uuid4()), "body": body})
        return token, sent.json()["conversation_id"]


def test_an_agent_sees_only_their_teams_chats(server: Server, cast: Cast) -> None:
    _, sales_chat = start_chat(server, "/pricing", "How much is the pro plan?")
    _, support_chat = start_chat(server, "/help", "My login fails")
    with server.login(cast.emails["sales"], PASSWORD) as sam:
        assert sam.get(f"/api/v1/conversations/{sales_chat}").json()["id"] == sales_chat
        assert sam.get(f"/api/v1/conversations/{support_chat}").status_code == 404
        assert sam.get(f"/api/v1/conversations/{support_chat}/messages").status_code == 404
        assert sam.post(f"/api/v1/conversations/{support_chat}/messages", json={"body": "hi"}).status_code == 404
        assert sam.patch(f"/api/v1/conversations/{support_chat}", json={"status": "resolved"}).status_code == 404
        listed = [c["id"] for c in sam.get("/api/v1/conversations").json()["items"]]
        assert sales_chat in listed and support_chat not in listed
    for role in ("supervisor", "admin"):
        with server.login(cast.emails[role], PASSWORD) as http:
            listed = [c["id"] for c in http.get("/api/v1/conversations").json()["items"]]
            assert {sales_chat, support_chat} <= set(listed), role


async def test_the_socket_keeps_other_teams_chats_from_an_agent(server: Server, cast: Cast) -> None:
    sam, _ = await agent(server, session_cookie(server, cast.emails["sales"], PASSWORD))
    sue, _ = await agent(server, session_cookie(server, cast.emails["supervisor"], PASSWORD))
    _, support_chat = start_chat(server, "/help", "Printer on fire")
    _, sales_chat = start_chat(server, "/pricing", "Volume discount?")
    sam_heard = {f.get("conversation_id") for f in await sam.quiet(0.6)}
    sue_heard = {f.get("conversation_id") for f in await sue.quiet(0.3)}
    assert sales_chat in sam_heard and support_chat not in sam_heard
    assert {sales_chat, support_chat} <= sue_heard  # a supervisor monitors every chat
    assert (await sam.say("let me help", support_chat))["code"] == "not_found"
    await sam.send({"type": "resume", "cursors": {support_chat: 0}})
    error, _ = await sam.until("error")
    assert error["code"] == "not_found"
    await asyncio.gather(sam.close(), sue.close())


async def test_an_agents_socket_follows_a_change_of_their_teams_at_once(server: Server, cast: Cast) -> None:
    """Joining or leaving a team closes the agent's open sockets with 4009; the socket the
    client reconnects with sees exactly the new teams' chats."""
    from websockets.exceptions import ConnectionClosed

    async def pat_hears_a_pricing_chat() -> bool:
        pat, _ = await agent(server, session_cookie(server, cast.emails["support"], PASSWORD))
        _, chat = start_chat(server, "/pricing", "Do you invoice yearly?")
        heard = {f.get("conversation_id") for f in await pat.quiet(0.6)}
        await pat.close()
        return chat in heard

    async def change_sales(member_ids: list[str]) -> int:
        """Returns the close code of Pat's socket that was open meanwhile."""
        pat, _ = await agent(server, session_cookie(server, cast.emails["support"], PASSWORD))
        with server.login(cast.emails["admin"], PASSWORD) as admin:
            admin.patch(f"/api/v1/teams/{cast.sales_team}", json={"member_ids": member_ids}).raise_for_status()
        with pytest.raises(ConnectionClosed):
            await pat.quiet(2)
            await pat.recv(3)
        assert pat.ws.close_code is not None
        return pat.ws.close_code

    assert not await pat_hears_a_pricing_chat()
    assert await change_sales([cast.ids["sales"], cast.ids["support"]]) == 4009
    assert await pat_hears_a_pricing_chat()
    assert await change_sales([cast.ids["sales"]]) == 4009
    assert not await pat_hears_a_pricing_chat()


async def test_a_supervisor_whispers_and_takes_over_without_the_visitor_seeing_the_whisper(
    server: Server, cast: Cast
) -> None:
    token, chat = start_chat(server, "/help", "Still broken")
    vis, _ = await visitor(server, token)
    with server.login(cast.emails["supervisor"], PASSWORD) as sue:
        whisper = sue.post(
            f"/api/v1/conversations/{chat}/messages", json={"body": "Pat: offer the replacement", "private": True}
        )
        assert whisper.status_code == 201
        taken = sue.patch(f"/api/v1/conversations/{chat}", json={"assignee_id": cast.ids["supervisor"]})
        assert taken.json()["assignee"]["id"] == cast.ids["supervisor"]
    bodies = [m["body"] for m in messages_in(await vis.quiet(0.6))]
    assert "Pat: offer the replacement" not in bodies
    with server.login(cast.emails["support"], PASSWORD) as pat:
        history = [m["body"] for m in pat.get(f"/api/v1/conversations/{chat}/messages").json()["items"]]
        assert "Pat: offer the replacement" in history  # the agent reads the whisper
    await vis.close()


@pytest.mark.parametrize("role", ["supervisor", "sales"])
def test_only_owners_and_admins_configure(server: Server, cast: Cast, role: str) -> None:
    with server.login(cast.emails[role], PASSWORD) as http:
        website = http.get("/api/v1/me").json()["websites"][0]["id"]
        refused = [
            http.post("/api/v1/teams", json={"name": "Mine"}),
            http.patch(f"/api/v1/teams/{cast.sales_team}", json={"strategy": "manual"}),
            http.post("/api/v1/routing-rules", json={"name": "x", "team_id": cast.sales_team, "conditions": []}),
            http.patch(f"/api/v1/websites/{website}", json={"settings": {"title": "x"}}),
            http.post(f"/api/v1/websites/{website}/identity-secret"),
            http.patch(f"/api/v1/agents/{cast.ids['support']}", json={"max_chats": 10}),
        ]
        assert [r.status_code for r in refused] == [403] * len(refused)
        assert all("owners and admins" in r.json()["error"]["message"] for r in refused)
        assert len(http.get("/api/v1/teams").json()["items"]) >= 2  # reading is fine


def test_admins_configure_and_statuses_are_guarded(server: Server, cast: Cast) -> None:
    with server.login(cast.emails["admin"], PASSWORD) as adam:
        made = adam.post(
            "/api/v1/teams",
            json={
                "name": "Night shift",
                "strategy": "least_busy",
                "business_hours": {"time_zone": "Asia/Tokyo", "weekly": {"mon": [["22:00", "24:00"]]}},
            },
        )
        assert made.status_code == 201 and made.json()["strategy"] == "least_busy"
        bad = adam.post("/api/v1/teams", json={"name": "x", "strategy": "random"})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "strategy"
        capacity = adam.patch(f"/api/v1/agents/{cast.ids['support']}", json={"max_chats": 7})
        assert capacity.json()["max_chats"] == 7
        make_owner = adam.patch(f"/api/v1/agents/{cast.ids['support']}", json={"role": "owner"})
        assert make_owner.status_code == 422
        assert adam.delete(f"/api/v1/teams/{made.json()['id']}").status_code == 204
    with server.login(cast.emails["sales"], PASSWORD) as sam:
        assert sam.put("/api/v1/me/status", json={"status": "away"}).json()["status"] == "away"
        other = sam.put(f"/api/v1/agents/{cast.ids['support']}/status", json={"status": "offline"})
        assert other.status_code == 404
        assert sam.put("/api/v1/me/status", json={"status": "busy"}).status_code == 422
    with server.login(cast.emails["supervisor"], PASSWORD) as sue:
        assert sue.put(f"/api/v1/agents/{cast.ids['sales']}/status", json={"status": "online"}).status_code == 200
