"""The load generator's protocol clients (docs/protocol.md): visitors that get a token
from ``POST /api/v1/widget/session`` and say ``hello`` on ``/ws/visitor``; an agent on
``/ws/agent`` with the console's cookie and ``Origin``. Like a browser they offer
permessage-deflate. They answer the server's protocol pings but send none of their own."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from frontdesk.ids import new_sortable_id

SESSION_ATTEMPTS = 3
OPEN_TIMEOUT_S = 60  # 10,000 handshakes queue up behind each other on a busy server


@dataclass(frozen=True)
class Target:
    """How clients reach one system under test."""

    visitor_ws: str
    agent_ws: str
    agent_headers: dict[str, str] = field(default_factory=dict)
    session_url: str = ""  # POST here for a visitor token; empty for the raw relay
    widget_key: str = ""
    database_url: str = ""  # the visitors' node's, for the storm's chats (histories.py)


def client_ref() -> str:
    """A UUIDv7, as the widget and the console make their client_refs
    (frontend/shared/ids.ts)."""
    return str(uuid.UUID(new_sortable_id()))


@dataclass(frozen=True)
class Session:
    """A widget session as ``POST /api/v1/widget/session`` answered it."""

    token: str
    contact_id: str


async def visitor_tokens(target: Target, count: int, concurrency: int, deadline: float) -> list[str]:
    """One distinct visitor (contact) per token."""
    return [s.token for s in await visitor_sessions(target, count, concurrency, deadline)]


async def visitor_sessions(target: Target, count: int, concurrency: int, deadline: float) -> list[Session]:
    """``count`` widget sessions, ``concurrency`` requests in flight on as many kept-alive
    connections, until ``deadline``. Not httpx: its client spent ~3 ms of CPU a request
    here, more than the server, and two processes of it could not ask for more than ~300
    sessions a second on this host; a browser's request costs the server the same either
    way (HttpConnection)."""
    if not target.session_url:
        return [Session("", "")] * count
    url = urlsplit(target.session_url)
    body = orjson.dumps({"website_key": target.widget_key})
    sessions: list[Session] = []
    left = iter(range(count))

    async def worker() -> None:
        http = HttpConnection(url.hostname or "127.0.0.1", url.port or 80)
        try:
            for _ in left:
                if time.monotonic() >= deadline:
                    return
                status, answer = await http.post(url.path, body)
                if status != 200:
                    raise RuntimeError(f"POST {url.path}: {status} {answer[:200]!r}")
                data = orjson.loads(answer)
                sessions.append(Session(data["token"], data["contact"]["id"]))
        finally:
            http.close()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
    return sessions


class HttpConnection:
    """HTTP/1.1 on one kept-alive connection, one request at a time: what the bench asks
    of it and no more (JSON in, a response with a Content-Length out). A connection the
    server closed while idle is opened again and the request sent again, as a browser
    does."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in range(SESSION_ATTEMPTS):
            try:
                return await self._post(path, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == SESSION_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def _post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self._writer.write(head.encode() + body)
        lines = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        if "content-length" not in headers:
            raise RuntimeError(f"POST {path}: a response without Content-Length: {lines[0]}")
        answer = await self._reader.readexactly(int(headers["content-length"]))
        if headers.get("connection") == "close":
            self.close()
        return int(lines[0].split(" ", 2)[1]), answer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def open_socket(url: str, hello: dict[str, object], headers: dict[str, str] | None = None) -> ClientConnection:
    ws = await connect(
        url, additional_headers=headers, proxy=None, ping_interval=None, open_timeout=OPEN_TIMEOUT_S, max_queue=64
    )
    await ws.send(orjson.dumps({"type": "hello", "protocol": 1, **hello}).decode())
    while orjson.loads(await asyncio.wait_for(ws.recv(), OPEN_TIMEOUT_S)).get("type") != "synced":
        pass
    return ws


class Visitor:
    """A visitor socket; ``send`` returns a future of the monotonic time its ack arrived."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pending: dict[str, asyncio.Future[float]] = {}
        self.reader = asyncio.create_task(self._read())

    async def send(self, client_ref: str, body: str) -> asyncio.Future[float]:
        acked = asyncio.get_running_loop().create_future()
        self.pending[client_ref] = acked
        await self.ws.send(orjson.dumps({"type": "send", "client_ref": client_ref, "body": body}).decode())
        return acked

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                frame = orjson.loads(text)
                kind = frame.get("type")
                if kind in ("ack", "error") and (acked := self.pending.pop(frame.get("client_ref", ""), None)):
                    if kind == "ack":
                        acked.set_result(time.monotonic())
                    else:
                        acked.set_exception(RuntimeError(f"{frame.get('code')}: {frame.get('message')}"))
        except ConnectionClosed:
            pass
        for acked in self.pending.values():
            acked.cancel()


async def visitors(
    target: Target, tokens: list[str], concurrency: int, deadline: float
) -> tuple[list[Visitor], Counter[str]]:
    """Connect one socket per token, ``concurrency`` handshakes at a time, until ``deadline``."""
    opened: list[Visitor] = []
    errors: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)

    async def one(token: str) -> None:
        async with gate:
            if time.monotonic() >= deadline:
                errors["deadline"] += 1
                return
            try:
                opened.append(Visitor(await open_socket(target.visitor_ws, {"token": token, "cursors": {}})))
            except Exception as exc:
                errors[type(exc).__name__] += 1

    await asyncio.gather(*(one(t) for t in tokens))
    return opened, errors


async def agent_deliveries(target: Target, stop: asyncio.Event, ready: asyncio.Event) -> dict[str, Any]:
    """Watch one agent socket: every ``message.created`` with a ``client_ref`` -> when it
    arrived. Like the console, when the server closes the socket (4008: the agent fell
    too far behind) it reconnects and resumes from the last ``seq`` of each chat; the
    closes are reported, and a message counts as delivered when it finally arrived."""
    seen: dict[str, float] = {}
    cursors: dict[str, int] = {}
    closes: list[str] = []

    async def watch() -> None:
        while True:
            ws = await open_socket(target.agent_ws, {"cursors": cursors}, target.agent_headers)
            ready.set()
            try:
                async for text in ws:
                    if "message.created" in text:
                        _record(orjson.loads(text), seen, cursors)
            except ConnectionClosed:
                pass
            closes.append(f"{ws.close_code} {ws.close_reason}")

    watching = asyncio.create_task(watch())
    await stop.wait()
    watching.cancel()
    return {"seen": seen, "closes": closes}


def _record(frame: dict[str, Any], seen: dict[str, float], cursors: dict[str, int]) -> None:
    if frame.get("event") != "message.created":
        return
    conversation_id, seq = frame.get("conversation_id"), frame.get("seq")
    if conversation_id and seq:
        cursors[conversation_id] = max(cursors.get(conversation_id, 0), seq)
    ref = frame["data"]["message"].get("client_ref")
    if ref:
        seen.setdefault(ref, time.monotonic())
