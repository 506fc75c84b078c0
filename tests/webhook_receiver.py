"""A real HTTP receiver for webhook tests, on a free loopback port, in a thread of its
own: it records every request and answers as the test's script says (an error status,
a hang past the sender's timeout, a held answer), then 200."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class Reply:
    status: int = 200
    delay: float = 0.0  # seconds before answering (past the sender's timeout: a timeout)
    body: bytes = b"ok"
    hold: threading.Event | None = None  # answer only once this is set


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    reply: Reply
    at: float

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict[str, Any]:
        parsed: dict[str, Any] = orjson.loads(self.body)
        return parsed


Script = Callable[[Received], Reply]


@dataclass
class Receiver:
    url: str
    script: Script
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered_ok(self) -> list[Received]:
        """The requests it acknowledged (2xx) and answered in time, in the order it got them."""
        with self.lock:
            return [r for r in self.received if 200 <= r.reply.status < 300 and r.reply.delay == 0]

    def ids(self) -> list[str]:
        with self.lock:
            return [r.id for r in self.received]

    def verify(self, secrets: dict[str, str]) -> list[Any]:
        """Every request checked by the stock standardwebhooks library with the secret of its
        path; raises on any bad one."""
        with self.lock:
            return [Webhook(secrets[r.path]).verify(r.body, r.headers) for r in self.received]

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} requests within {timeout} s, got {len(self.received)}")


def always_ok(_: Received) -> Reply:
    return Reply()


@contextmanager
def receiving(script: Script = always_ok) -> Iterator[Receiver]:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            probe = Received(self.path, headers, body, Reply(), time.monotonic())
            reply = receiver.script(probe)
            with receiver.lock:
                receiver.received.append(Received(self.path, headers, body, reply, probe.at))
            if reply.hold is not None:
                reply.hold.wait(30)
            time.sleep(reply.delay)
            self.send_response(reply.status)
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a sender that gave up (timeout, kill -9) closed the connection: expected

    server = Server(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks", script)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
