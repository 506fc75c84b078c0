"""Our WebSocket protocol (ws/protocol.py) under a real uvicorn and a real client: the
frames it writes itself arrive as websockets would have written them, and a closed
socket's memory comes back at once, not at the next full garbage collection (with
thousands of visitors coming and going, what waited for one was 150,000 objects and a
0.3 s pause, and the server slowed by a fifth meanwhile)."""

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
from websockets.frames import Frame, Opcode

from frontdesk.ws.protocol import SEND_FRAMES, SEND_FRAMES_NOW, WebSocketProtocol, text_header

# Around each boundary of the three header sizes (RFC 6455 5.2).
LENGTHS = [0, 1, 125, 126, 127, 65535, 65536, 70_000]
FLOOD_MAX = 2_000  # 128 MB of frames: far past what a client that does not read lets in


async def _answer_until_closed(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A socket endpoint that sees the extension, as the gateway does, and keeps it. Each
    text it receives, comma-separated lengths, is answered with one write of frames of
    those lengths; 'flood' with 64 KB frames written without waiting until the socket
    refuses one, then how many it took ('pong' for anything else)."""
    assert scope["type"] == "websocket"
    send_frames = scope["extensions"][SEND_FRAMES]
    send_frames_now = scope["extensions"][SEND_FRAMES_NOW]
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while (event := await receive())["type"] != "websocket.disconnect":
        text = event["text"]
        if text == "flood":
            taken = 0
            while taken < FLOOD_MAX and send_frames_now([f"{taken:08d}".encode() * 8192]):
                taken += 1
            await send_frames([f"taken {taken}".encode()])  # waits until the client reads
        elif text[:1].isdigit():
            await send_frames([str(n % 10).encode() * n for n in map(int, text.split(","))])
        else:
            await send_frames([b'{"type":"pong"}'])


@pytest.fixture(params=[False], ids=["plain"])
async def server(request: pytest.FixtureRequest) -> AsyncIterator[uvicorn.Server]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        _answer_until_closed,
        ws=WebSocketProtocol,
        ws_per_message_deflate=request.param,
        lifespan="off",
        log_level="warning",
    )
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve(sockets=[sock]))
    await _until(lambda: running.started)
    yield running
    running.should_exit = True
    await task


def _port(server: uvicorn.Server) -> int:
    return int(server.servers[0].sockets[0].getsockname()[1])


@pytest.mark.parametrize("length", LENGTHS)
def test_our_text_header_is_the_one_websockets_writes(length: int) -> None:
    payload = b"a" * length
    assert text_header(length) + payload == Frame(Opcode.TEXT, payload).serialize(mask=False)


# Without compression the protocol frames the text itself; with it, websockets does.
@pytest.mark.parametrize("server", [False, True], ids=["plain", "compressed"], indirect=True)
async def test_frames_of_every_header_size_arrive_whole_and_in_order(server: uvicorn.Server) -> None:
    compressed = server.config.ws_per_message_deflate
    async with connect(f"ws://127.0.0.1:{_port(server)}/ws", compression="deflate" if compressed else None) as client:
        assert bool(client.protocol.extensions) == compressed
        await client.send(",".join(map(str, LENGTHS)))
        got = [await client.recv() for _ in LENGTHS]
        await client.send("ping")  # and the socket still carries what follows
        assert await client.recv() == '{"type":"pong"}'
    assert got == [str(n % 10) * n for n in LENGTHS]


async def test_a_write_without_waiting_is_refused_whole_when_the_client_reads_too_slowly(
    server: uvicorn.Server,
) -> None:
    """``send_frames_now`` (an idle socket's direct write, ws/connection.py) takes frames
    until the transport's buffer is full, then refuses without writing any part of the
    refused one; what it took arrives whole and in order, before what the writer sends
    after it."""
    async with connect(f"ws://127.0.0.1:{_port(server)}/ws", max_size=None, max_queue=1) as client:
        await client.send("flood")
        await asyncio.sleep(0.3)  # the client reads nothing meanwhile past its one frame
        got = []
        while not (frame := await client.recv()).startswith("taken"):
            got.append(frame)
    taken = int(frame.split()[1])
    assert 0 < taken < FLOOD_MAX, "the socket never refused a frame"
    assert got == [f"{n:08d}" * 8192 for n in range(taken)]


@pytest.mark.parametrize("how", ["close frame", "connection dropped"])
async def test_a_closed_socket_is_freed_without_the_garbage_collector(server: uvicorn.Server, how: str) -> None:
    port = _port(server)
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
