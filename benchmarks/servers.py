"""The servers under test, each a real process on a free loopback port, and the
PostgreSQL database and Redis they share. Starting PostgreSQL or Redis is not our job:
when they are not reachable, ``services_missing`` says why and those scenarios skip."""

from __future__ import annotations

import asyncio
import os
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

VENV_BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
START_TIMEOUT_S = 60  # the first start migrates a fresh database: a few seconds, more under load


def raise_nofile() -> None:
    """Lift the open-files limit to the hard limit: 10,000 sockets need 10,000 descriptors.
    Called in the bench process and, as a ``preexec_fn``, in each server process."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """One server process; its output is kept for the Login line and for error reports."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.argv = [*argv, "--port", str(self.port)]
        self.env = {**os.environ, **(env or {})}
        self.output: list[str] = []
        self.proc: subprocess.Popen[str] | None = None
        self.health_path: str | None = None
        self.answered_at = 0.0  # monotonic: when it last began to answer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, health_path: str | None, poll_s: float = 0.2) -> ServerProcess:
        self.health_path = health_path
        self.proc = subprocess.Popen(  # noqa: S603 - our own venv's programs
            self.argv,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=raise_nofile,
        )
        threading.Thread(target=self._pump, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv[0]} exited:\n" + "".join(self.output[-30:]))
            if self._answers(health_path):
                self.answered_at = time.monotonic()
                return self
            time.sleep(poll_s)
        self.stop()
        raise RuntimeError(f"{self.argv[0]} did not start:\n" + "".join(self.output[-30:]))

    def _answers(self, health_path: str | None) -> bool:
        try:
            if health_path is None:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            return httpx.get(self.url + health_path, timeout=2, trust_env=False).status_code == 200
        except (OSError, httpx.HTTPError):
            return False

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def login(self) -> tuple[str, str] | None:
        """The owner's login, printed once by the node that created the workspace."""
        for line in self.output:
            if m := re.search(r"Login:\s+(\S+) / (\S+)", line):
                return m.group(1), m.group(2)
        return None

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no graceful close, no flush."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def restart(self) -> float:
        """The same command on the same port, after ``kill``; the monotonic time it
        answered again (polled every 10 ms: the storm is measured from that moment)."""
        return self.start(self.health_path, poll_s=0.01).answered_at

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def raw_relay() -> ServerProcess:
    return ServerProcess([sys.executable, "-m", "benchmarks.raw_relay"]).start(None)


def frontdesk_node(var_dir: Path, database_url: str, redis_url: str = "") -> ServerProcess:
    env = {
        "FRONTDESK_VAR_DIR": str(var_dir),
        "FRONTDESK_DATABASE_URL": database_url,
        "FRONTDESK_REDIS_URL": redis_url,
        "FRONTDESK_SECRET_KEY": "bench-secret-key",  # the same on every node of a cluster
        "FRONTDESK_LOG_LEVEL": "warning",
        # The load comes from one address, thousands of messages a second from 100
        # visitors: exactly what the per-visitor and per-address limits refuse on a site.
        "FRONTDESK_RATE_LIMITS_ENABLED": "false",
        # Every simulated visitor connects from 127.0.0.1: no cap on sockets per address.
        "FRONTDESK_SOCKETS_PER_IP": "0",
    }
    return ServerProcess([str(VENV_BIN / "frontdesk"), "serve"], env).start("/healthz")


def services_missing() -> str | None:
    """Why the PostgreSQL + Redis scenarios cannot run, or None when they can."""
    try:
        asyncio.run(_postgres_execute("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc}"
    return None


def create_database() -> tuple[str, str]:
    """A fresh database for one scenario: (name, URL)."""
    name = f"frontdesk_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_execute(f'CREATE DATABASE "{name}"'))
    return name, POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    asyncio.run(_postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _postgres_execute(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
