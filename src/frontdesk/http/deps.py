"""Authentication for REST routes: who is calling, from the cookie or a bearer token."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection

from frontdesk.actors import AgentActor, VisitorActor
from frontdesk.agents.models import Agent, AgentSession, SessionStage
from frontdesk.agents.queries import actor_for, agent_for_api_token, session_for
from frontdesk.agents.sessions import touch_session
from frontdesk.contacts.visitor_check import check_visitor
from frontdesk.context import Context
from frontdesk.errors import Forbidden, Unauthorized
from frontdesk.ratelimits.rules import Rule
from frontdesk.tokens import VisitorClaims

SESSION_COOKIE = "frontdesk_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def public_origin(request: Request, ctx: Context) -> str:
    """Where browsers reach this server: the configured public URL, else what they asked for."""
    return (ctx.settings.public_url or str(request.base_url)).rstrip("/")


def client_address(conn: HTTPConnection) -> str | None:
    """The address rate limits, socket caps and blocking count by: the peer's (uvicorn
    puts the proxy's client there when told to trust its X-Forwarded-For:
    docs/deployment.md). None where the server names no peer."""
    return conn.client.host if conn.client else None


def client_ip(request: Request) -> str:
    """``client_address``, for keys that must be a string."""
    return client_address(request) or "unknown"


def bearer(headers: Headers) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


DEFAULT_PORTS = {"http": ":80", "https": ":443"}
SOCKET_SCHEMES = {"ws": "http", "wss": "https"}


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` as a browser writes it in ``Origin``: lower case, no
    default port, no path."""
    parts = urlsplit(url.strip().lower())
    scheme = SOCKET_SCHEMES.get(parts.scheme, parts.scheme)
    default_port = DEFAULT_PORTS.get(scheme)
    netloc = parts.netloc.removesuffix(default_port) if default_port else parts.netloc
    return f"{scheme}://{netloc}"


def own_origin(conn: HTTPConnection, ctx: Context) -> str:
    """Our pages' origin. The public URL when set: behind a TLS proxy the request itself
    may say http (a proxy that sends no X-Forwarded-Proto), and the public URL does not
    lie. Else the scheme the request came with (a trusted proxy's X-Forwarded-Proto,
    cli.py) and the Host it named."""
    if ctx.settings.public_url:
        return origin_of(ctx.settings.public_url)
    return origin_of(f"{conn.url.scheme}://{conn.headers.get('host', '')}")


def same_origin(conn: HTTPConnection, ctx: Context) -> bool:
    """A browser names the page that sent a request in ``Origin``; the session cookie is
    honoured only from our own pages (no cross-site request forgery). Scheme, host and
    port must all match: a page served over plain http (which anyone on the network can
    rewrite) is not our https site."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-origin request: browsers always send it then
    return origin_of(origin) == own_origin(conn, ctx)


async def current_agent(request: Request, ctx: Annotated[Context, Depends(get_context)]) -> AgentActor:
    token = bearer(request.headers)
    if token is not None:
        agent = await agent_for_api_token(ctx.db, token)
        if agent is None:
            raise Unauthorized("the API token is not valid (revoked or mistyped?)")
        return await actor_for(ctx.db, agent)
    found = await cookie_session(request, ctx)
    if found is None or found[1].stage != SessionStage.FULL:
        raise Unauthorized("log in first, or send an API token as 'Authorization: Bearer fd_...'")
    await touch_session(ctx, found[1])
    return await actor_for(ctx.db, found[0])


async def cookie_session(request: Request, ctx: Context) -> tuple[Agent, AgentSession] | None:
    """The session the cookie names, at any stage; None without one. A state-changing
    request from another site's page is refused (no cross-site request forgery)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    found = await session_for(ctx.db, cookie) if cookie else None
    if found is not None and request.method not in SAFE_METHODS and not same_origin(request, ctx):
        raise Forbidden("cross-origin request refused; use an API token from other sites")
    return found


async def enrolling_agent(request: Request, ctx: Annotated[Context, Depends(get_context)]) -> Agent:
    """A logged-in agent, or one whose workspace requires two-factor and who is logging
    in to enrol: the enrolment calls take either."""
    found = await cookie_session(request, ctx)
    if found is None or found[1].stage not in (SessionStage.FULL, SessionStage.ENROL):
        token = bearer(request.headers)
        agent = await agent_for_api_token(ctx.db, token) if token else None
        if agent is None:
            raise Unauthorized("log in first")
        return agent
    return found[0]


async def current_visitor(request: Request, ctx: Annotated[Context, Depends(get_context)]) -> VisitorActor:
    token = bearer(request.headers)
    claims = ctx.visitor_tokens.verify(token) if token else None
    if claims is None:
        raise Unauthorized("a valid visitor token is required; start with POST /api/v1/widget/session")
    return await visitor_actor(ctx, claims, client_address(request))


async def visitor_actor(ctx: Context, claims: VisitorClaims, ip: str | None = None) -> VisitorActor:
    """The visitor a token speaks for, if the token still counts: every visitor call
    (REST and the stream here, the socket in its opening read, ws/openings.py) checks
    it with ``contacts.visitor_check.visitor_of``, so that is where a token is revoked."""
    return await check_visitor(ctx.db, claims, ip)


Ctx = Annotated[Context, Depends(get_context)]
CurrentAgent = Annotated[AgentActor, Depends(current_agent)]
CurrentVisitor = Annotated[VisitorActor, Depends(current_visitor)]
EnrollingAgent = Annotated[Agent, Depends(enrolling_agent)]


def visitor_limits(*rules: Rule) -> Any:
    """A route's rate limits, counted for the calling visitor (and their address)."""

    async def counted(actor: CurrentVisitor, ctx: Annotated[Context, Depends(get_context)]) -> None:
        await ctx.rate_limits.hit_visitor(actor, *rules)

    return Depends(counted)
