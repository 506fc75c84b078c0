"""The servers under test, and the faults done to them: SIGKILL of a node (then its
restart on the same port), and a restart of the run's own Redis.

Two configurations: one node on SQLite, and two nodes on one PostgreSQL database and a
private ``redis-server`` on a free port (never the shared one on 6379: other tests use
it, and this one kills it). Clients pick a node that is up, in turn, as a load balancer
would: a client whose node died reconnects to the other one."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from frontdesk.actors import Role
from frontdesk.agents.models import Agent
from frontdesk.storage.db import Database
from frontdesk.workspaces.queries import first_workspace
from tests import services
from tests.factories import PASSWORD, make_agent
from tests.server import Server, free_port

# A node's environment for the run: every client comes from 127.0.0.1, so the per-address
# socket cap (256) would count the whole crowd as one visitor's browser; the visitor cap
# stays. Rate limits are off for the same reason (Server's rate_limits=False).
NODE_ENV = {"FRONTDESK_SOCKETS_PER_IP": "0"}


class PrivateRedis:
    """A ``redis-server`` of the run's own, without persistence: a restart loses every
    key and subscription, as a Redis failover does."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        binary = shutil.which("redis-server")
        if binary is None:
            services.missing("Redis", "redis-server", FileNotFoundError("redis-server is not on PATH"))
            raise AssertionError("unreachable")
        self.var_dir.mkdir(parents=True, exist_ok=True)
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.proc = subprocess.Popen(
            [binary, *args, "--dir", str(self.var_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"redis-server exited with {self.proc.returncode} on port {self.port}") from None
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port} within 10 s")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


@dataclass
class Cluster:
    nodes: list[Server]
    database_url: str
    redis: PrivateRedis | None = None
    down: set[int] = field(default_factory=set)
    agent_emails: list[str] = field(default_factory=list)
    _turn: int = 0

    @property
    def name(self) -> str:
        return "two nodes, PostgreSQL + Redis" if self.redis else "one node, SQLite"

    def pick(self) -> tuple[str, Server]:
        """The next node that is up, as a round-robin load balancer with health checks."""
        up = [i for i in range(len(self.nodes)) if i not in self.down] or list(range(len(self.nodes)))
        self._turn += 1
        i = up[self._turn % len(up)]
        return "ab"[i], self.nodes[i]

    async def kill(self, i: int) -> None:
        self.down.add(i)
        await asyncio.to_thread(self.nodes[i].kill)

    async def restart(self, i: int) -> None:
        """The same port, as a process manager restarts it; up once it answers."""
        await asyncio.to_thread(self.nodes[i].start)
        self.down.discard(i)

    async def restart_redis(self, down_s: float) -> None:
        assert self.redis is not None
        await asyncio.to_thread(self.redis.kill)
        await asyncio.sleep(down_s)
        await asyncio.to_thread(self.redis.start)

    def output(self) -> str:
        """The nodes' logs (warnings and worse), for a failure's report."""
        return "\n".join(f"--- node {'ab'[i]}:\n" + "".join(n.output[-60:]) for i, n in enumerate(self.nodes))

    def database(self) -> Database:
        return Database(self.database_url)


async def add_agents(cluster: Cluster, n: int) -> list[tuple[str, str]]:
    """The owner and ``n - 1`` more, as (email, password): an admin, then agents in the
    website's default team (they see its chats through their team, not their role)."""
    owner = cluster.nodes[0]
    accounts = [(owner.owner_email, owner.owner_password)]
    ctx = owner.context()
    try:
        workspace = await first_workspace(ctx.db)
        assert workspace is not None
        for k in range(1, n):
            role = Role.ADMIN if k == 1 else Role.AGENT
            actor = await make_agent(ctx, workspace.id, role=role, name=f"Agent {k}")
            async with ctx.db.reader() as session:
                agent = await session.get_one(Agent, actor.agent_id)
            accounts.append((agent.email, PASSWORD))
    finally:
        await ctx.db.dispose()
    cluster.agent_emails = [email for email, _ in accounts]
    return accounts


@contextmanager
def sqlite_cluster(var_dir: Path) -> Iterator[Cluster]:
    node = Server(var_dir / "node", rate_limits=False, extra_env=NODE_ENV).start()
    try:
        yield Cluster([node], node.database_url)
    finally:
        node.stop()


@contextmanager
def two_node_cluster(var_dir: Path) -> Iterator[Cluster]:
    database = services.create_pg_database()
    private = PrivateRedis(var_dir / "redis")
    nodes: list[Server] = []
    try:  # whatever fails on the way up, nothing started is left running
        private.start()
        for name in "ab":
            nodes.append(Server(var_dir / name, database, private.url, NODE_ENV, rate_limits=False).start())
        nodes[1].owner_email, nodes[1].owner_password = nodes[0].owner_email, nodes[0].owner_password
        yield Cluster(nodes, database, private)
    finally:
        for node in nodes:
            node.stop()
        private.kill()
        services.drop_pg_database(database)
