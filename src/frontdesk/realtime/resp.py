"""A bare Redis connection for the bus: commands written as they are, replies parsed in C
(hiredis) as many at a time as have arrived.

redis-py's pub/sub client handles each incoming message with several layers of Python
(and its pipeline packs each PUBLISH in Python): with the bus on it, a node on PostgreSQL
spent about 50 us of CPU per chat message more than with the in-memory bus, two fifths
of all it spent (docs/benchmarks.md). The bus needs only PUBLISH, SUBSCRIBE and
UNSUBSCRIBE, so it speaks RESP itself. Presence (realtime/presence.py) keeps redis-py.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Sequence
from typing import Any

import hiredis
from redis.asyncio.connection import SSLConnection, parse_url

CONNECT_TIMEOUT_S = 5
READ_BYTES = 1 << 16
# A subscriber only reads, so a Redis that vanished without closing the connection (a
# network cut, a host gone) would never be noticed: TCP keep-alive probes after 30 s of
# silence, and gives up after three unanswered 10 s apart.
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_PROBES = 30, 10, 3

Command = Sequence[str | bytes]


class RedisError(ConnectionError):
    """Redis refused a command, or the connection failed."""


class RespConnection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._parser = hiredis.Reader()

    @classmethod
    async def open(cls, url: str, *, name: str | None = None) -> RespConnection:
        """``redis://``, ``rediss://`` (TLS, certificate verified) or ``unix://`` URLs,
        with a password (and an ACL user) if the URL has one; ``name`` is given to
        CLIENT SETNAME."""
        params: dict[str, Any] = dict(parse_url(url))
        try:
            if "path" in params:
                opening = asyncio.open_unix_connection(params["path"])
            else:
                tls = ssl.create_default_context() if params.get("connection_class") is SSLConnection else None
                opening = asyncio.open_connection(params.get("host", "localhost"), params.get("port", 6379), ssl=tls)
            reader, writer = await asyncio.wait_for(opening, CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise RedisError(f"cannot connect to Redis: {exc}") from exc
        _keep_alive(writer)
        conn = cls(reader, writer)
        if params.get("password"):
            user = (params["username"],) if params.get("username") else ()
            await conn._handshake(("AUTH", *user, params["password"]), "the password")
        if name is not None:
            await conn._handshake(("CLIENT", "SETNAME", name), "the connection's name")
        return conn

    async def _handshake(self, command: Command, what: str) -> None:
        self.send(command)
        try:
            (reply,) = await asyncio.wait_for(self.replies(), CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise RedisError(f"Redis did not answer when sent {what}: {exc}") from exc
        if isinstance(reply, hiredis.ReplyError):
            self.close()
            raise RedisError(f"Redis refused {what}: {reply}")

    def send(self, *commands: Command) -> None:
        """Written at once, in order; their replies come back in the same order."""
        # hiredis's stub types its argument as a one-element tuple; it takes any length.
        self._writer.write(b"".join(hiredis.pack_command(tuple(command)) for command in commands))  # type: ignore[arg-type]

    async def replies(self) -> list[Any]:
        """Every reply that has arrived, at least one; an error reply is a
        ``hiredis.ReplyError`` in the list, not raised."""
        got: list[Any] = []
        while True:
            reply = self._parser.gets()
            while reply is not False:
                got.append(reply)
                reply = self._parser.gets()
            if got:
                return got
            data = await self._reader.read(READ_BYTES)
            if not data:
                raise RedisError("Redis closed the connection")
            self._parser.feed(data)

    def close(self) -> None:
        self._writer.close()


def _keep_alive(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    for option, value in (
        ("TCP_KEEPIDLE", KEEPALIVE_IDLE_S),
        ("TCP_KEEPINTVL", KEEPALIVE_INTERVAL_S),
        ("TCP_KEEPCNT", KEEPALIVE_PROBES),
    ):
        if hasattr(socket, option):  # Linux; elsewhere the system's defaults
            sock.setsockopt(socket.IPPROTO_TCP, getattr(socket, option), value)
