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

import httpx
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


def client_ref() -> str:
    """A UUIDv7, as the widget and the console make their client_refs
    (frontend/shared/ids.ts)."""
    return str(uuid.UUID(new_sortable_id()))


async def visitor_tokens(target: Target, count: int, concurrency: int, deadline: float) -> list[str]:
    """One distinct visitor (contact) per token."""
    if not target.session_url:
        return [""] * count
    tokens: list[str] = []
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits, trust_env=False) as http:

        async def one() -> None:
            async with gate:
                # A kept-alive connection the server closed just as it was reused fails
                # with a transport error: a browser retries such a request, so we do too.
                for attempt in range(SESSION_ATTEMPTS):
                    if time.monotonic() >= deadline:
                        return
                    try:
                        response = await http.post(target.session_url, json={"website_key": target.widget_key})
                    except httpx.TransportError:
                        if attempt == SESSION_ATTEMPTS - 1:
                            raise
                        continue
                    response.raise_for_status()
                    tokens.append(response.json()["token"])
                    return

        await asyncio.gather(*(one() for _ in range(count)))
    return tokens


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
