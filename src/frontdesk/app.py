"""The app factory: the only place that picks concrete backends and wires the transports."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from frontdesk import __version__
from frontdesk.agents.password_reset import HANDLERS as ACCOUNT_JOB_HANDLERS
from frontdesk.attachments import cleanup as attachment_cleanup
from frontdesk.context import Context
from frontdesk.conversations.emails import HANDLERS as JOB_HANDLERS
from frontdesk.http import (
    account,
    agents,
    api_docs,
    attachments,
    auth,
    contacts,
    conversations,
    errors,
    health,
    inbox_tools,
    invitations,
    openapi,
    pages,
    routing,
    tokens,
    webhooks,
    websites,
    widget,
    widget_extras,
)
from frontdesk.http.cors import WidgetCORS
from frontdesk.http.headers import SecurityHeaders
from frontdesk.http.limits import BodyLimit
from frontdesk.http.params import refuse_unstorable_params
from frontdesk.http.timing import ServerTiming
from frontdesk.jobs.worker import Worker
from frontdesk.mail.sender import MailSender, MemorySender, SmtpSender
from frontdesk.messages.queries import message_payloads
from frontdesk.outbox.dispatch import Dispatcher, DurableListener
from frontdesk.ratelimits.limiter import RateLimiter, memory_limiter, redis_limiter
from frontdesk.realtime.bus import Bus
from frontdesk.realtime.memory import MemoryBus
from frontdesk.realtime.presence import Presence, RedisPresence
from frontdesk.realtime.redis import RedisBus
from frontdesk.realtime.socket_caps import RedisSocketCaps, SocketCaps
from frontdesk.routing import watchdog
from frontdesk.search.index import SearchIndexer
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorTokens
from frontdesk.webhooks import notices as webhook_notices
from frontdesk.webhooks import prune as webhook_prune
from frontdesk.webhooks.delivery import DeliveryLoop
from frontdesk.webhooks.listener import WebhookListener
from frontdesk.ws.routes import SocketsFirst


def make_bus(settings: Settings) -> Bus:
    return RedisBus(settings.redis_url) if settings.redis_url else MemoryBus()


def make_mail(settings: Settings) -> MailSender:
    return SmtpSender(settings.smtp_url, settings.mail_from) if settings.smtp_url else MemorySender()


def make_rate_limiter(settings: Settings) -> RateLimiter:
    overrides, enabled = settings.rate_limits, settings.rate_limits_enabled
    if settings.redis_url:  # every node counts the same hits
        namespace = hmac.new(settings.resolved_secret_key.encode(), b"frontdesk.ratelimits", "sha256").hexdigest()
        return redis_limiter(settings.redis_url, overrides, enabled, namespace[:16])
    return memory_limiter(overrides, enabled)


def make_context(settings: Settings) -> Context:
    db = Database(settings.resolved_database_url)
    return Context(
        db=db,
        # Each SQLite node indexes what it stored (search/index.py); PostgreSQL's index
        # is kept by the database itself.
        search_index=SearchIndexer(db) if db.is_sqlite else None,
        bus=make_bus(settings),
        settings=settings,
        visitor_tokens=VisitorTokens(settings.resolved_secret_key, settings.visitor_token_days * 24 * 3600),
        mail=make_mail(settings),
        presence=RedisPresence(settings.redis_url) if settings.redis_url else Presence(),
        rate_limits=make_rate_limiter(settings),
        socket_caps=RedisSocketCaps(settings.redis_url) if settings.redis_url else SocketCaps(),
    )


# The durable listeners (outbox/dispatch.py): each gets the durable events it follows,
# at least once and in order per conversation. Webhooks are the first; automation,
# reports and bots join this list.
DURABLE_LISTENERS: list[DurableListener] = [WebhookListener()]


def background_loops(ctx: Context) -> list[asyncio.Task[None]]:
    """The job worker, the event outbox's dispatcher, the routing timer, the sweep of
    unsent uploads, and the webhooks' delivery loop and log pruning: in every ``serve``
    by default, or alone in ``frontdesk worker``."""
    dispatcher = Dispatcher(ctx.db, DURABLE_LISTENERS, message_payloads, ctx.outbox_ready)
    handlers = {**JOB_HANDLERS, **ACCOUNT_JOB_HANDLERS, **webhook_notices.HANDLERS}
    return [
        asyncio.create_task(dispatcher.run_forever(), name="event-outbox"),
        asyncio.create_task(Worker(ctx, handlers).run_forever(), name="outbox-worker"),
        asyncio.create_task(DeliveryLoop(ctx).run_forever(), name="webhook-delivery"),
        asyncio.create_task(webhook_prune.run_forever(ctx), name="webhook-log-pruning"),
        asyncio.create_task(watchdog.run_forever(ctx), name="routing-watchdog"),
        asyncio.create_task(attachment_cleanup.run_forever(ctx), name="orphan-uploads"),
    ]


class FrontdeskApp(SocketsFirst):
    """Security headers (http/headers.py) outside everything, Starlette's own error
    middleware too: an unexpected error's 500 carries them like any response."""

    hsts_seconds = 0

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack(), hsts_seconds=self.hsts_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    ctx = make_context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await ctx.bus.start()
        await ctx.presence.start()
        await ctx.socket_caps.start()
        loops = background_loops(ctx) if settings.run_worker else []
        if isinstance(ctx.search_index, SearchIndexer):
            loops.append(asyncio.create_task(ctx.search_index.run_forever(), name="search-indexer"))
        try:
            yield
        finally:
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)
            await ctx.socket_caps.close()
            await ctx.presence.close()
            await ctx.bus.close()
            await ctx.db.dispose()

    app = FrontdeskApp(  # /ws/* goes straight to its handler (ws/routes.py)
        title="Frontdesk API",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served from this server, not a CDN (http/api_docs.py)
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.hsts_seconds = settings.hsts_seconds
    errors.install(app)
    openapi.install(app)
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(refuse_unstorable_params)])
    modules = (
        auth,
        account,
        tokens,
        agents,
        invitations,
        conversations,
        contacts,
        inbox_tools,
        routing,
        websites,
        widget,
        widget_extras,
        attachments,
        webhooks,
    )
    for module in modules:
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(pages.router)
    app.include_router(api_docs.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC, check_dir=False), name="static")
    app.add_middleware(BodyLimit)
    app.add_middleware(WidgetCORS)
    app.add_middleware(ServerTiming)  # times everything the app does for HTTP
    return app
