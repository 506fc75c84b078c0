"""Account security on both databases: owners protected from admins, login lockout,
the password policy, changing and resetting a password, sessions, and two-factor."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pyotp
import pytest
from sqlalchemy import update

from frontdesk.actors import Role
from frontdesk.agents import two_factor
from frontdesk.agents.actions import NewAgent, create_agent, create_api_token, delete_api_token
from frontdesk.agents.invitations import Acceptance, accept_invitation
from frontdesk.agents.login import Credentials, complete_two_factor, log_in
from frontdesk.agents.models import Agent, AgentSession, SessionStage
from frontdesk.agents.password_change import PasswordChange, change_password
from frontdesk.agents.password_reset import HANDLERS, request_reset, reset_password
from frontdesk.agents.queries import agent_for_session
from frontdesk.agents.secrets import digest
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from frontdesk.jobs.worker import Worker
from frontdesk.mail.sender import MemorySender
from frontdesk.ratelimits.limiter import RateLimited, memory_limiter
from frontdesk.routing.availability import AgentChanges, update_agent
from tests.factories import PASSWORD, make_agent, make_team
from tests.server import BIN, Server

IP = "198.51.100.7"
NEW_PASSWORD = "a brand new passphrase"


async def login(ctx: Context, email: str, password: str = PASSWORD) -> str:
    return (await log_in(ctx, Credentials(email, password, IP))).secret


async def agent_email(ctx: Context, agent_id: str) -> str:
    async with ctx.db.reader() as session:
        return (await session.get_one(Agent, agent_id)).email


# Owners


async def test_an_admin_cannot_change_an_owner_but_an_owner_can(ctx: Context) -> None:
    team = await make_team(ctx)
    admin = await make_agent(ctx, team.workspace_id, Role.ADMIN, name="Adm")
    second_owner = await make_agent(ctx, team.workspace_id, Role.OWNER, name="Olga")
    for change in (AgentChanges(role="agent"), AgentChanges(active=False), AgentChanges(max_chats=1)):
        with pytest.raises(Forbidden, match="only owners may change an owner"):
            await update_agent(ctx, admin, team.owner.agent_id, change)
    demoted = await update_agent(ctx, second_owner, team.owner.agent_id, AgentChanges(role="admin"))
    assert demoted.role == "admin"


async def test_the_last_owner_cannot_demote_or_deactivate_themselves(ctx: Context) -> None:
    team = await make_team(ctx)
    for change in (AgentChanges(role="admin"), AgentChanges(active=False)):
        with pytest.raises(Conflict, match="last owner"):
            await update_agent(ctx, team.owner, team.owner.agent_id, change)
    assert (await update_agent(ctx, team.owner, team.owner.agent_id, AgentChanges(max_chats=5))).max_chats == 5


# Passwords


@pytest.mark.parametrize(
    ("password", "message"),
    [("short pass", "at least 12 characters, got 10"), ("qwerty123456", "too common"), ("Password2024!", "too common")],
)
async def test_weak_passwords_are_refused_naming_the_field(ctx: Context, password: str, message: str) -> None:
    team = await make_team(ctx)
    new = NewAgent(
        workspace_id=team.workspace_id, email="weak@example.com", name="W", role=Role.AGENT, password=password
    )
    with pytest.raises(Invalid, match=message) as refused:
        await create_agent(ctx, new)
    assert refused.value.field == "password" and refused.value.message.startswith('"password"')


async def test_a_login_locked_out_after_wrong_passwords_works_again_when_the_lockout_expires(ctx: Context) -> None:
    # A window wide enough that three argon2 checks on a busy machine fit in it.
    ctx.rate_limits = memory_limiter({"login.account": "3 per 6 seconds"})
    team = await make_team(ctx)
    email = await agent_email(ctx, team.owner.agent_id)
    for _ in range(3):
        with pytest.raises(Unauthorized):
            await login(ctx, email, "not the password at all")
    with pytest.raises(RateLimited) as locked:  # even the right password, while locked
        await login(ctx, email)
    assert 1 <= locked.value.retry_after <= 6
    await asyncio.sleep(locked.value.retry_after + 0.2)
    assert await agent_for_session(ctx.db, await login(ctx, email)) is not None


async def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(ctx: Context) -> None:
    team = await make_team(ctx)
    email = await agent_email(ctx, team.owner.agent_id)
    here, elsewhere = await login(ctx, email), await login(ctx, email)
    with pytest.raises(Invalid, match='"current_password"'):
        await change_password(ctx, PasswordChange(team.owner.agent_id, "a wrong guess!!", NEW_PASSWORD, here))
    with pytest.raises(Invalid, match='"new_password" must be at least 12'):
        await change_password(ctx, PasswordChange(team.owner.agent_id, PASSWORD, "short", here))
    await change_password(ctx, PasswordChange(team.owner.agent_id, PASSWORD, NEW_PASSWORD, here))
    assert await agent_for_session(ctx.db, here) is not None
    assert await agent_for_session(ctx.db, elsewhere) is None
    with pytest.raises(Unauthorized):
        await login(ctx, email)
    await login(ctx, email, NEW_PASSWORD)


async def test_a_password_reset_link_is_emailed_once_works_once_and_ends_every_session(ctx: Context) -> None:
    ctx.mail = MemorySender()
    team = await make_team(ctx)
    email = await agent_email(ctx, team.owner.agent_id)
    old_session = await login(ctx, email)
    await request_reset(ctx, "nobody-at-all@example.com", IP, "https://desk.example.com")
    await request_reset(ctx, email.upper(), IP, "https://desk.example.com")
    await Worker(ctx, HANDLERS).run_due()
    resets = [m for m in ctx.mail.sent if m.subject == "Reset your Frontdesk password"]
    assert [m.to for m in resets] == [email]  # nothing to the unknown address
    link = resets[0].text.split("https://desk.example.com/console/reset-password/")[1].split()[0]
    with pytest.raises(Invalid, match='"password" is too common'):
        await reset_password(ctx, link, "password1234")
    await reset_password(ctx, link, NEW_PASSWORD)
    with pytest.raises(NotFound, match="not valid any more"):
        await reset_password(ctx, link, "yet another passphrase")
    assert await agent_for_session(ctx.db, old_session) is None
    await login(ctx, email, NEW_PASSWORD)
    await Worker(ctx, HANDLERS).run_due()  # and the agent hears that it happened
    notices = [m for m in ctx.mail.sent if m.to == email and m.subject != "Reset your Frontdesk password"]
    assert [m.subject for m in notices] == ["Frontdesk: your password was reset with an emailed link"]


async def test_an_idle_session_ends(ctx: Context) -> None:
    team = await make_team(ctx)
    secret = await login(ctx, await agent_email(ctx, team.owner.agent_id))
    assert await agent_for_session(ctx.db, secret) is not None
    async with ctx.db.transaction() as session:  # as if 12 hours passed without a request
        await session.execute(
            update(AgentSession)
            .where(AgentSession.token_hash == digest(secret))
            .values(idle_expires_at=utcnow() - timedelta(seconds=1))
        )
    assert await agent_for_session(ctx.db, secret) is None


async def test_a_made_up_invitation_link_is_refused_before_any_hashing_and_limited(ctx: Context) -> None:
    ctx.rate_limits = memory_limiter({"invitations.ip": "2/minute"})
    for _ in range(2):
        with pytest.raises(NotFound):
            await accept_invitation(ctx, Acceptance("made-up", "Eve", "a long enough password", IP))
    with pytest.raises(RateLimited):
        await accept_invitation(ctx, Acceptance("made-up", "Eve", "a long enough password", IP))


# Two-factor


async def enrol(ctx: Context, agent_id: str) -> tuple[str, list[str]]:
    """Returns the code that confirmed the enrolment and the recovery codes."""
    enrolment = await two_factor.start_enrolment(ctx, agent_id)
    assert enrolment.otpauth_uri.startswith("otpauth://totp/Frontdesk:")
    totp = pyotp.TOTP(enrolment.secret)
    with pytest.raises(Invalid, match="that code is not right"):
        await two_factor.confirm_enrolment(ctx, agent_id, "000000" if totp.now() != "000000" else "111111")
    code = totp.now()
    return code, await two_factor.confirm_enrolment(ctx, agent_id, code)


async def test_two_factor_login_takes_a_code_once_and_each_recovery_code_once(ctx: Context) -> None:
    team = await make_team(ctx)
    email = await agent_email(ctx, team.owner.agent_id)
    spent, codes = await enrol(ctx, team.owner.agent_id)
    assert len(codes) == 10 and len(set(codes)) == 10

    started = await log_in(ctx, Credentials(email, PASSWORD, IP))
    assert started.stage is SessionStage.TWO_FACTOR
    assert await agent_for_session(ctx.db, started.secret) is None  # half a login opens nothing
    # The code that confirmed the enrolment was spent then: no replay in its window.
    with pytest.raises(Unauthorized, match="that code is not right"):
        await complete_two_factor(ctx, started.secret, spent)
    with pytest.raises(Unauthorized):
        await complete_two_factor(ctx, started.secret, codes[0].upper().replace("-", " ")[:-1])

    done = await complete_two_factor(ctx, started.secret, codes[0].upper())
    assert await agent_for_session(ctx.db, done.secret) is not None
    assert await agent_for_session(ctx.db, started.secret) is None  # swapped, not upgraded

    again = await log_in(ctx, Credentials(email, PASSWORD, IP))
    with pytest.raises(Unauthorized):  # a recovery code works once
        await complete_two_factor(ctx, again.secret, codes[0])
    assert (await two_factor.status(ctx.db, team.owner.agent_id)).recovery_codes_left == 9


async def test_two_factor_codes_are_rate_limited(ctx: Context) -> None:
    ctx.rate_limits = memory_limiter({"two_factor.account": "2/minute"})
    team = await make_team(ctx)
    await enrol(ctx, team.owner.agent_id)  # one wrong code, one right (cleared)
    started = await log_in(ctx, Credentials(await agent_email(ctx, team.owner.agent_id), PASSWORD, IP))
    for _ in range(2):
        with pytest.raises(Unauthorized):
            await complete_two_factor(ctx, started.secret, "999999x")
    with pytest.raises(RateLimited):
        await complete_two_factor(ctx, started.secret, "999999x")


async def test_disabling_two_factor_takes_the_password_and_a_code(ctx: Context) -> None:
    team = await make_team(ctx)
    _, codes = await enrol(ctx, team.owner.agent_id)
    with pytest.raises(Invalid, match='"password"'):
        await two_factor.disable(ctx, team.owner.agent_id, "not my password!", codes[1])
    await two_factor.disable(ctx, team.owner.agent_id, PASSWORD, codes[1])
    status = await two_factor.status(ctx.db, team.owner.agent_id)
    assert (status.enabled, status.recovery_codes_left) == (False, 0)


async def test_an_owner_can_require_two_factor_and_agents_without_it_must_enrol(ctx: Context) -> None:
    team = await make_team(ctx)
    admin = await make_agent(ctx, team.workspace_id, Role.ADMIN, name="Adm")
    with pytest.raises(Forbidden):
        await two_factor.require_for_workspace(ctx, admin, True)
    await two_factor.require_for_workspace(ctx, team.owner, True)
    held = await log_in(ctx, Credentials(await agent_email(ctx, admin.agent_id), PASSWORD, IP))
    assert held.stage is SessionStage.ENROL
    assert await agent_for_session(ctx.db, held.secret) is None
    _, codes = await enrol(ctx, admin.agent_id)
    with pytest.raises(Conflict, match="requires two-factor"):
        await two_factor.disable(ctx, admin.agent_id, PASSWORD, codes[0])


# Over REST, against a real server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    limits = '{"login.ip": "1000/minute", "login.account": "3 per 6 seconds"}'
    srv = Server(tmp_path_factory.mktemp("accounts"), extra_env={"FRONTDESK_RATE_LIMITS": limits}).start()
    subprocess.run(
        [
            str(BIN),
            "create-agent",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "Ada Admin",
            "--role",
            "admin",
            "--password",
            PASSWORD,
        ],
        env=srv.env(),
        check=True,
        capture_output=True,
    )
    yield srv
    srv.stop()


ADMIN_EMAIL = "ada.admin@example.com"


@pytest.mark.xdist_group("accounts")
def test_wrong_passwords_get_429_with_retry_after_then_the_right_one_works_again(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for _ in range(3):
            wrong = http.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": "guess guess guess"})
            assert wrong.status_code == 401
        locked = http.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= 6
        assert "too many failed logins to one account" in locked.json()["error"]["message"]
        time.sleep(int(locked.headers["retry-after"]) + 0.2)
        right = http.post("/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": PASSWORD})
        assert (right.status_code, right.json()["step"]) == (200, "done")


@pytest.mark.xdist_group("accounts")
def test_an_admin_gets_403_touching_an_owner(server: Server) -> None:
    with server.login() as owner:
        owner_id = owner.get("/api/v1/me").json()["agent"]["id"]
    with server.login(ADMIN_EMAIL, PASSWORD) as admin:
        for change in ({"role": "agent"}, {"active": False}, {"max_chats": 1}):
            refused = admin.patch(f"/api/v1/agents/{owner_id}", json=change)
            assert refused.status_code == 403
            assert refused.json()["error"]["message"].startswith("only owners may change an owner")
        refused = admin.put("/api/v1/workspace/two-factor", json={"required": True})
        assert refused.status_code == 403
    with server.login() as owner:
        last = owner.patch(f"/api/v1/agents/{owner_id}", json={"role": "admin"})
        assert last.status_code == 409 and "last owner" in last.json()["error"]["message"]


@pytest.mark.xdist_group("accounts")
def test_a_reset_request_answers_the_same_whether_or_not_the_email_has_an_account(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        answers = [
            http.post("/api/v1/auth/password-reset", json={"email": email})
            for email in (ADMIN_EMAIL, "no-such-agent@example.com")
        ]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()


@pytest.mark.xdist_group("accounts")
def test_with_two_factor_required_a_login_enrols_before_anything_else(server: Server) -> None:
    email = "eli.enrols@example.com"
    subprocess.run(
        [str(BIN), "create-agent", "--email", email, "--name", "Eli", "--role", "agent", "--password", PASSWORD],
        env=server.env(),
        check=True,
        capture_output=True,
    )
    # The owner's session, opened before the requirement, stays a full one.
    with server.login() as owner:
        assert owner.put("/api/v1/workspace/two-factor", json={"required": True}).status_code == 204
        try:
            enrol_and_log_out_the_other_session(server, email)
        finally:
            assert owner.put("/api/v1/workspace/two-factor", json={"required": False}).status_code == 204


def enrol_and_log_out_the_other_session(server: Server, email: str) -> None:
    with httpx.Client(base_url=server.url, timeout=10, headers={"Origin": server.url}) as eli:
        started = eli.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert started.json()["step"] == "enrol_two_factor"
        assert eli.get("/api/v1/me").status_code == 401  # the console stays shut
        assert eli.get("/api/v1/me/two-factor").json() == {
            "enabled": False,
            "required": True,
            "recovery_codes_left": 0,
        }
        secret = eli.post("/api/v1/me/two-factor/setup").json()["secret"]
        confirmed = eli.post("/api/v1/me/two-factor/confirm", json={"code": pyotp.TOTP(secret).now()})
        assert len(confirmed.json()["recovery_codes"]) == 10
        me = eli.get("/api/v1/me")
        assert (me.status_code, me.json()["agent"]["two_factor"]) == (200, True)

        # Another login of Eli's, then "log out my other sessions" from this one.
        with httpx.Client(base_url=server.url, timeout=10, headers={"Origin": server.url}) as other:
            other.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
            code = confirmed.json()["recovery_codes"][0]
            assert other.post("/api/v1/auth/two-factor", json={"code": code}).json()["step"] == "done"
            assert other.get("/api/v1/me").status_code == 200
            assert eli.post("/api/v1/me/sessions/log-out-others").json() == {"ended": 1}
            assert other.get("/api/v1/me").status_code == 401
        assert eli.get("/api/v1/me").status_code == 200


async def test_an_admin_cannot_revoke_an_owners_api_token(ctx: Context) -> None:
    team = await make_team(ctx)
    admin = await make_agent(ctx, team.workspace_id, Role.ADMIN, name="Adm")
    token, _ = await create_api_token(ctx, team.owner, "deploys")
    with pytest.raises(Forbidden, match="only owners may change an owner"):
        await delete_api_token(ctx, admin, token.id)
    own, _ = await create_api_token(ctx, admin, "mine")
    await delete_api_token(ctx, admin, own.id)
    await delete_api_token(ctx, team.owner, token.id)
