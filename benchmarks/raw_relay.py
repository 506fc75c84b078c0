"""A raw ``websockets`` relay: the practical limit Frontdesk is measured against.

No framework, no database. It speaks the subset of docs/protocol.md the load generator
uses (``hello`` -> ``welcome`` + ``synced``; ``send`` -> ``ack`` to the sender and a
``message.created`` event to every agent socket), so both servers get identical
traffic. Like Frontdesk by default (FRONTDESK_WS_COMPRESSION) it declines
permessage-deflate, and it pings every 20 s.

Run: ``python -m benchmarks.raw_relay --port P``.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools

import orjson
import uvloop
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

agents: set[ServerConnection] = set()
seqs = itertools.count(1)


async def handle(ws: ServerConnection) -> None:
    is_agent = (ws.request.path if ws.request else "").startswith("/ws/agent")
    try:
        await ws.recv()  # hello; nothing in it matters to a relay
        await ws.send(orjson.dumps({"type": "welcome", "protocol": 1}).decode())
        await ws.send('{"type":"synced"}')
        if is_agent:
            agents.add(ws)
        async for text in ws:
            frame = orjson.loads(text)
            if frame.get("type") == "send":
                await relay(ws, frame)
    except ConnectionClosed:
        pass
    finally:
        agents.discard(ws)


async def relay(sender: ServerConnection, frame: dict[str, object]) -> None:
    message = {"client_ref": frame["client_ref"], "body": frame["body"], "seq": next(seqs)}
    await sender.send(orjson.dumps({"type": "ack", "client_ref": frame["client_ref"], "message": message}).decode())
    event = orjson.dumps({"type": "event", "event": "message.created", "data": {"message": message}}).decode()
    for agent in tuple(agents):
        try:
            await agent.send(event)
        except ConnectionClosed:
            agents.discard(agent)


async def main(port: int) -> None:
    async with serve(handle, "127.0.0.1", port, ping_interval=20, ping_timeout=20, backlog=4096, compression=None):
        print(f"raw relay on ws://127.0.0.1:{port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(main(parser.parse_args().port))
