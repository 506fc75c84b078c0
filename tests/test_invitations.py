"""Inviting agents by link (on both databases, and over REST), and a website's default team."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from frontdesk.actors import Role
from frontdesk.agents.invitations import Acceptance, accept_invitation, invite_agent, preview_invitation
from frontdesk.agents.models import Invitation
from frontdesk.context import Context
from frontdesk.errors import Conflict, Forbidden, Invalid, NotFound
from tests.factories import make_agent, make_team
from tests.server import Server

PASSWORD = "a long enough password"
IP = "192.0.2.1"


async def test_an_invitation_creates_the_agent_once(ctx: Context) -> None:
    team = await make_team(ctx)
    invitation, secret = await invite_agent(ctx, team.owner, "New.Person@Example.com", "supervisor")
    assert (invitation.email, invitation.role) == ("new.person@example.com", "supervisor")
    assert (await preview_invitation(ctx.db, secret)).workspace_name == "Acme"

    agent = await accept_invitation(ctx, Acceptance(secret, "Nora", PASSWORD, IP))
    assert (agent.email, agent.name, agent.role, agent.workspace_id) == (
        "new.person@example.com",
        "Nora",
        "supervisor",
        team.workspace_id,
    )
    with pytest.raises(NotFound):
        await accept_invitation(ctx, Acceptance(secret, "Nora again", PASSWORD, IP))
    with pytest.raises(NotFound):
        await preview_invitation(ctx.db, secret)
    with pytest.raises(Conflict):  # she has an account now
        await invite_agent(ctx, team.owner, "new.person@example.com", "agent")


async def test_two_simultaneous_acceptances_make_one_agent(ctx: Context) -> None:
    team = await make_team(ctx)
    _, secret = await invite_agent(ctx, team.owner, "race@example.com", "agent")
    results = await asyncio.gather(
        accept_invitation(ctx, Acceptance(secret, "One", PASSWORD, IP)),
        accept_invitation(ctx, Acceptance(secret, "Two", PASSWORD, IP)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, NotFound | Conflict) for r in results if isinstance(r, Exception))


async def test_expired_replaced_and_refused_invitations(ctx: Context) -> None:
    team = await make_team(ctx)
    first, old_secret = await invite_agent(ctx, team.owner, "late@example.com", "agent")
    _, new_secret = await invite_agent(ctx, team.owner, "late@example.com", "agent")
    with pytest.raises(NotFound):  # inviting again replaces the earlier link
        await preview_invitation(ctx.db, old_secret)

    async with ctx.db.transaction() as session:
        await session.execute(
            update(Invitation)
            .where(Invitation.email == "late@example.com")
            .values(expires_at=first.created_at - timedelta(seconds=1))
        )
    with pytest.raises(NotFound):
        await accept_invitation(ctx, Acceptance(new_secret, "Late", PASSWORD, IP))

    with pytest.raises(Invalid):
        await invite_agent(ctx, team.owner, "not an email", "agent")
    admin = await make_agent(ctx, team.workspace_id, Role.ADMIN, name="Adm")
    with pytest.raises(Invalid):  # only owners make owners
        await invite_agent(ctx, admin, "boss@example.com", "owner")
    supervisor = await make_agent(ctx, team.workspace_id, Role.SUPERVISOR, name="Sup")
    with pytest.raises(Forbidden):
        await invite_agent(ctx, supervisor, "someone@example.com", "agent")
    _, secret = await invite_agent(ctx, team.owner, "short@example.com", "agent")
    with pytest.raises(Invalid):
        await accept_invitation(ctx, Acceptance(secret, "Short", "short", IP))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("invitations")).start()
    yield srv
    srv.stop()


@pytest.mark.xdist_group("server")
def test_an_invite_link_logs_the_new_agent_in_over_rest(server: Server) -> None:
    with server.login() as owner:
        created = owner.post("/api/v1/invitations", json={"email": "link@example.com", "role": "agent"})
        assert created.status_code == 201
        url = created.json()["url"]
        assert url.startswith(server.url + "/console/invite/")
        listed = owner.get("/api/v1/invitations").json()["items"]
        assert [i["email"] for i in listed] == ["link@example.com"] and "url" not in listed[0]

    secret = url.rsplit("/", 1)[1]
    with httpx.Client(base_url=server.url, headers={"Origin": server.url}) as invitee:
        preview = invitee.get(f"/api/v1/invite/{secret}").json()
        assert preview == {"email": "link@example.com", "role": "agent", "workspace": preview["workspace"]}
        accepted = invitee.post(f"/api/v1/invite/{secret}", json={"name": "Linus", "password": PASSWORD})
        assert accepted.status_code == 200
        assert invitee.get("/api/v1/me").json()["agent"]["name"] == "Linus"  # logged in by the cookie
        again = invitee.post(f"/api/v1/invite/{secret}", json={"name": "Linus", "password": PASSWORD})
        assert again.status_code == 404 and "not valid" in again.json()["error"]["message"]
        # Agents do not manage invitations.
        refused = invitee.post("/api/v1/invitations", json={"email": "x@example.com"})
        assert refused.status_code == 403

    with server.login() as owner:
        assert owner.get("/api/v1/invitations").json()["items"] == []
        revoked = owner.post("/api/v1/invitations", json={"email": "gone@example.com"}).json()
        assert owner.delete(f"/api/v1/invitations/{revoked['id']}").status_code == 204
        assert httpx.get(server.url + "/api/v1/invite/" + revoked["url"].rsplit("/", 1)[1]).status_code == 404


@pytest.mark.xdist_group("server")
def test_admins_choose_a_websites_default_team(server: Server) -> None:
    with server.login() as owner:
        team = owner.post("/api/v1/teams", json={"name": "Sales"}).json()
        site = owner.get("/api/v1/websites").json()["items"][0]
        general = site["default_team_id"]
        changed = owner.patch(f"/api/v1/websites/{site['id']}", json={"default_team_id": team["id"]})
        assert changed.json()["default_team_id"] == team["id"]
        wrong = owner.patch(f"/api/v1/websites/{site['id']}", json={"default_team_id": "nope"})
        assert (wrong.status_code, wrong.json()["error"]["field"]) == (404, "default_team_id")
        owner.patch(f"/api/v1/websites/{site['id']}", json={"default_team_id": general}).raise_for_status()
