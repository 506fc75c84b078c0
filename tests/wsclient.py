"""A protocol client for tests: speaks docs/protocol.md over a real socket."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.server import Server


class Client:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.welcome: dict[str, Any] = {}

    @classmethod
    async def open(cls, url: str, hello: dict[str, Any], headers: dict[str, str] | None = None) -> Client:
        ws = await connect(url, additional_headers=headers or {}, open_timeout=10)
        client = cls(ws)
        await client.send({"type": "hello", "protocol": 1, **hello})
        return client

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def recv(self, timeout: float = 5) -> dict[str, Any]:
        return dict(json.loads(await asyncio.wait_for(self.ws.recv(), timeout)))

    async def until(self, kind: str, timeout: float = 5) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Read until a frame of ``kind``; returns it and the frames before it."""
        before: list[dict[str, Any]] = []
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == kind:
                return frame, before
            before.append(frame)

    async def synced(self) -> list[dict[str, Any]]:
        """After hello: the welcome, then the replay until ``synced``; returns the replay."""
        self.welcome, _ = await self.until("welcome")
        _, replay = await self.until("synced")
        return replay

    async def say(
        self, body: str, conversation_id: str | None = None, client_ref: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        ref = client_ref or str(uuid.uuid4())
        frame = {"type": "send", "client_ref": ref, "body": body, **extra}
        if conversation_id:
            frame["conversation_id"] = conversation_id
        await self.send(frame)
        while True:
            reply = await self.recv()
            if reply["type"] in ("ack", "error") and reply.get("client_ref") == ref:
                return reply

    async def quiet(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        """Whatever arrives within ``seconds``."""
        got = []
        try:
            while True:
                got.append(await self.recv(seconds))
        except TimeoutError:
            return got

    async def close(self) -> None:
        await self.ws.close()


def messages_in(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f["data"]["message"] for f in frames if f.get("event") == "message.created"]


async def visitor_token(server: Server, widget_key: str, token: str | None = None) -> str:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post("/api/v1/widget/session", json={"website_key": widget_key, "token": token})
        response.raise_for_status()
        return str(response.json()["token"])


async def visitor(
    server: Server, token: str, cursors: dict[str, int] | None = None
) -> tuple[Client, list[dict[str, Any]]]:
    client = await Client.open(server.ws_url + "/ws/visitor", {"token": token, "cursors": cursors or {}})
    return client, await client.synced()


def session_cookie(server: Server, email: str | None = None, password: str | None = None) -> str:
    with server.login(email, password) as http:
        return str(http.cookies["frontdesk_session"])


async def agent(
    server: Server, cookie: str, cursors: dict[str, int] | None = None, origin: str | None = None
) -> tuple[Client, list[dict[str, Any]]]:
    headers = {"Cookie": f"frontdesk_session={cookie}", "Origin": origin or server.url}
    client = await Client.open(server.ws_url + "/ws/agent", {"cursors": cursors or {}}, headers)
    return client, await client.synced()
