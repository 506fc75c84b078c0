"""The ``frontdesk`` command."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from collections.abc import Sequence

from frontdesk import __version__
from frontdesk.settings import Settings, make_private_dir

# One socket frame carries at most one 10,000-character message plus its envelope;
# 64 KiB leaves room for that in any script (4 bytes a character) and stops a client
# from making the server buffer megabytes.
WS_MAX_FRAME_BYTES = 65_536


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="frontdesk", description="Self-hosted live chat.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="migrate, set up the first run, and serve HTTP + WebSocket")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations at start")
    sub.add_parser("migrate", help="apply database migrations")
    sub.add_parser("worker", help="run the outbox worker and routing timer apart from the web nodes")
    agent = sub.add_parser("create-agent", help="add an agent to the first workspace")
    agent.add_argument("--email", required=True)
    agent.add_argument("--name", required=True)
    agent.add_argument("--role", choices=["owner", "admin", "supervisor", "agent"], default="agent")
    agent.add_argument("--password", help="generated and printed when omitted")
    sub.add_parser("version", help="print the version")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "version":
        print(f"frontdesk {__version__}")
        return 0
    if args.command == "migrate":
        from frontdesk.migrations import upgrade

        upgrade(settings.resolved_database_url)
        print("database is up to date")
        return 0
    if args.command == "create-agent":
        return asyncio.run(_create_agent(settings, args))
    if args.command == "worker":
        return asyncio.run(_worker(settings))
    return _serve(settings, args)


async def _create_agent(settings: Settings, args: argparse.Namespace) -> int:
    from frontdesk.actors import Role
    from frontdesk.agents.actions import NewAgent, create_agent
    from frontdesk.agents.passwords import generate_password
    from frontdesk.app import make_context
    from frontdesk.bootstrap import NewWorkspace, create_workspace
    from frontdesk.errors import DomainError
    from frontdesk.workspaces.queries import first_workspace

    ctx = make_context(settings)
    try:
        workspace = await first_workspace(ctx.db) or (await create_workspace(ctx, NewWorkspace(name="My company")))[0]
        password = args.password or generate_password()
        new = NewAgent(
            workspace_id=workspace.id, email=args.email, name=args.name, role=Role(args.role), password=password
        )
        agent = await create_agent(ctx, new)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        await ctx.db.dispose()
    print(f"created {agent.role} {agent.email}")
    if not args.password:
        print(f"password: {password}")
    return 0


async def _worker(settings: Settings) -> int:
    from frontdesk.app import background_loops, make_context

    ctx = make_context(settings)
    await ctx.bus.start()
    print("frontdesk worker: running the outbox and the routing timer", flush=True)
    try:
        await asyncio.gather(*background_loops(ctx))
    finally:
        await ctx.bus.close()
        await ctx.db.dispose()
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from frontdesk.app import create_app, make_context
    from frontdesk.bootstrap import ensure_first_workspace
    from frontdesk.http import access_log
    from frontdesk.http.protocol import guarded_protocol
    from frontdesk.migrations import upgrade
    from frontdesk.ws.protocol import WebSocketProtocol

    make_private_dir(settings.var_dir)  # uploads land here too, whatever the database
    if not args.no_migrate:
        upgrade(settings.resolved_database_url)

    async def first_run() -> None:
        ctx = make_context(settings)
        try:
            created = await ensure_first_workspace(ctx)
        finally:
            await ctx.db.dispose()
        base = settings.public_url or f"http://{args.host}:{args.port}"
        print(f"Console:   {base}/console", flush=True)
        if created:
            print(f"Login:     {created.owner_email} / {created.owner_password}  (shown once; keep it)", flush=True)
        else:
            print("Login:     the owner account made on the first run (see `frontdesk create-agent` to add one)")
        print(f"Demo page: {base}/", flush=True)

    asyncio.run(first_run())
    config = uvicorn.Config(
        create_app(settings),
        host=args.host,
        port=args.port,
        loop="uvloop",
        # httptools, with a header timeout and a header size cap (http/protocol.py).
        http=guarded_protocol(settings.header_timeout_seconds, settings.max_header_bytes),
        h11_max_incomplete_event_size=settings.max_header_bytes,  # the same cap, were h11 chosen
        timeout_keep_alive=settings.keepalive_seconds,
        limit_concurrency=settings.max_connections or None,
        interface="asgi3",  # the app's __call__ is a plain function returning a coroutine (ws/routes.py)
        ws=WebSocketProtocol,  # uvicorn's websockets-sansio, writing many frames at once
        ws_max_size=WS_MAX_FRAME_BYTES,
        ws_per_message_deflate=settings.ws_compression,
        log_level=settings.log_level,
        # Protocol pings find dead peers (a phone that lost its network) within 40 s.
        ws_ping_interval=20,
        ws_ping_timeout=20,
        # X-Forwarded-For/-Proto are believed from these proxies only: the client's
        # address (socket caps, rate limits) and https (HSTS, the Origin check) come
        # from them.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=5,
    )
    access_log.install()  # after uvicorn.Config has configured logging
    _tune_runtime()
    uvicorn.Server(config).run()
    return 0


# Young collections every 10,000 allocations instead of 700: with 10,000 sockets open the
# default ran one every few messages. Everything alive at start (modules, the app) is
# frozen out of the collector, so no full collection walks it again.
GC_GEN0_THRESHOLD = 10_000


# SQLite's writes run in aiosqlite's thread (storage/quick.py), and sqlite3 lets the GIL
# go around every statement: each time, the thread waits for it until the loop's thread
# gives it up, at the latest after this interval (default 5 ms). 50 us: a batch's seven
# or so waits stay short, and messages stored per second at saturation rose 5,525-5,698
# (1 ms) -> 6,131-6,255, p99 at 1,000 msg/s unchanged (docs/benchmarks.md). With no
# thread waiting, the interval costs nothing.
SWITCH_INTERVAL_S = 0.00005


def _tune_runtime() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


if __name__ == "__main__":
    sys.exit(main())
