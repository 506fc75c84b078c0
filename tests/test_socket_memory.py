"""A closed socket's memory comes back at once (ws/protocol.py), not at the next full
garbage collection: with thousands of visitors coming and going, what waited for one
was 150,000 objects and a 0.3 s pause, and the server slowed by a fifth meanwhile."""

from __future__ import annotations

import asyncio
import gc
import socket
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect

from frontdesk.ws.protocol import SEND_FRAMES, WebSocketProtocol


async def _echo_until_closed(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A socket endpoint that sees the extension, as the gateway does, and keeps it."""
    assert scope["type"] == "websocket"
    send_frames = scope["extensions"][SEND_FRAMES]
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (await receive())["type"] != "websocket.disconnect":
        await send_frames([b'{"type":"pong"}'])


@pytest.fixture
async def server() -> AsyncIterator[uvicorn.Server]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(_echo_until_closed, ws=WebSocketProtocol, lifespan="off", log_level="warning")
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve(sockets=[sock]))
    await _until(lambda: running.started)
    yield running
    running.should_exit = True
    await task


@pytest.mark.parametrize("how", ["close frame", "connection dropped"])
async def test_a_closed_socket_is_freed_without_the_garbage_collector(server: uvicorn.Server, how: str) -> None:
    port = server.servers[0].sockets[0].getsockname()[1]
    gc.collect()
    gc.disable()  # only reference counting frees anything from here
    try:
        client = await connect(f"ws://127.0.0.1:{port}/ws")
        await client.send('{"type":"ping"}')
        assert await client.recv() == '{"type":"pong"}'
        (protocol,) = server.server_state.connections
        # uvicorn's protocol, and websockets' one inside it (its parser is a generator)
        held = [weakref.ref(protocol), weakref.ref(protocol.conn)]
        del protocol
        if how == "close frame":
            await client.close()
        else:
            client.transport.abort()
        await _until(lambda: all(ref() is None for ref in held))
        assert [ref() for ref in held] == [None, None], "the closed socket is still held"
    finally:
        gc.enable()


async def _until(condition: Callable[[], bool], seconds: float = 2) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
