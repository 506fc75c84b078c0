"""A real ``frontdesk serve`` process for end-to-end tests, on a free loopback port."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from frontdesk.context import Context
from frontdesk.realtime.memory import MemoryBus
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorTokens

BIN = Path(sys.executable).parent / "frontdesk"
SECRET = "e2e-secret-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listens(pid: int, port: int) -> bool:
    """Whether the process holds the listening socket on ``port`` (Linux's /proc; True
    where there is none to ask)."""
    try:
        table = Path("/proc/net/tcp").read_text().splitlines()[1:]
        fds = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return not Path("/proc/net/tcp").exists()
    inodes = {
        f"socket:[{cols[9]}]"
        for cols in (line.split() for line in table)
        if cols[1].endswith(f":{port:04X}") and cols[3] == "0A"  # 0A: LISTEN
    }
    return any(fd in inodes for fd in fds)


class PortTaken(RuntimeError):
    """The server could not bind its port: something else took it first."""


class Server:
    def __init__(
        self,
        var_dir: Path,
        database_url: str | None = None,
        redis_url: str = "",
        extra_env: dict[str, str] | None = None,
        rate_limits: bool = True,
    ) -> None:
        """``rate_limits=False`` for a test that plays a crowd from one address (every
        test's visitors come from 127.0.0.1), never for one about what a visitor may do."""
        self.var_dir = var_dir
        self.database_url = database_url or f"sqlite+aiosqlite:///{var_dir / 'frontdesk.db'}"
        self.redis_url = redis_url
        self.extra_env = extra_env or {}
        self.rate_limits = rate_limits
        # One secret per database: nodes of one installation share it; other test servers
        # (and their counts in a shared Redis) are strangers.
        self.secret = f"{SECRET}:{hashlib.sha256(self.database_url.encode()).hexdigest()[:12]}"
        self.port = free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []
        self.owner_email = ""
        self.owner_password = ""
        self._started = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            FRONTDESK_VAR_DIR=str(self.var_dir),
            FRONTDESK_DATABASE_URL=self.database_url,
            FRONTDESK_SECRET_KEY=self.secret,
            FRONTDESK_REDIS_URL=self.redis_url,
            FRONTDESK_LOG_LEVEL="warning",
            # A closed console sets its agent offline quickly, so tests need not wait 30 s.
            FRONTDESK_OFFLINE_GRACE_SECONDS="0.3",
            FRONTDESK_RATE_LIMITS_ENABLED="true" if self.rate_limits else "false",
        )
        env.update(self.extra_env)
        # Every test's console logs in from 127.0.0.1, far more often than people do.
        limits = {"login.ip": "1000/minute", **json.loads(self.extra_env.get("FRONTDESK_RATE_LIMITS", "{}"))}
        env["FRONTDESK_RATE_LIMITS"] = json.dumps(limits)
        return env

    def start(self, timeout: float = 30) -> Server:
        """Start and wait until it answers. A first start whose port was taken between
        ``free_port()`` and the bind (another test's process, on a busy machine) tries a
        new port; a restart keeps its port, as its clients reconnect there."""
        for attempt in range(3):
            try:
                return self._start(timeout)
            except PortTaken:
                if self._started or attempt == 2:
                    raise
                self.port = free_port()
        raise AssertionError("unreachable")

    def _start(self, timeout: float) -> Server:
        self.proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(self.port)],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        seen = len(self.output)
        pump = threading.Thread(target=self._pump, daemon=True)
        pump.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pump.join(5)  # its last lines say why
                output = "".join(self.output)
                if "address already in use" in "".join(self.output[seen:]):
                    raise PortTaken(output)
                raise RuntimeError("server exited:\n" + output)
            try:
                # Ours, not another test's server that took the port first.
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200 and _listens(
                    self.proc.pid, self.port
                ):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not start:\n" + "".join(self.output))
        self._started = True
        for line in self.output:  # of every attempt: the login is printed once, by the first
            if m := re.search(r"Login:\s+(\S+) / (\S+)", line):
                self.owner_email, self.owner_password = m.group(1), m.group(2)
        return self

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine loses power or the OOM killer strikes."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def context(self) -> Context:
        """Direct access to the server's database, for setting up data the API has no call for yet."""
        settings = Settings(database_url=self.database_url, var_dir=self.var_dir, secret_key=self.secret)
        return Context(
            db=Database(self.database_url),
            bus=MemoryBus(),
            settings=settings,
            visitor_tokens=VisitorTokens(self.secret),
        )

    @contextmanager
    def login(self, email: str | None = None, password: str | None = None) -> Iterator[httpx.Client]:
        """An HTTP client logged into the console (the owner unless told otherwise)."""
        with httpx.Client(base_url=self.url, timeout=10, headers={"Origin": self.url}) as client:
            response = client.post(
                "/api/v1/auth/login",
                json={"email": email or self.owner_email, "password": password or self.owner_password},
            )
            response.raise_for_status()
            yield client

    def widget_key(self) -> str:
        with self.login() as client:
            return str(client.get("/api/v1/me").json()["websites"][0]["widget_key"])
