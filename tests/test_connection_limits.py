"""Slow and greedy clients against a real server: a header timeout, a cap on header
size, and caps on open sockets and event streams per IP address and per visitor, on
one node and across two sharing Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests import services
from tests.server import Server
from tests.wsclient import Client, visitor, visitor_token

pytestmark = pytest.mark.xdist_group("server")

LIMITS = {
    "FRONTDESK_HEADER_TIMEOUT_SECONDS": "1",
    "FRONTDESK_MAX_HEADER_BYTES": "4096",
    "FRONTDESK_SOCKETS_PER_VISITOR": "2",
    "FRONTDESK_SOCKETS_PER_IP": "4",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("limits"), extra_env=LIMITS).start()
    yield srv
    srv.stop()


def raw(server: Server) -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    return conn


def closed_after(conn: socket.socket) -> float:
    """Seconds until the server closes the connection (reads until EOF)."""
    started = time.monotonic()
    while conn.recv(4096):
        pass
    return time.monotonic() - started


def test_a_request_whose_headers_never_finish_is_closed_after_the_timeout(server: Server) -> None:
    with raw(server) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a")
        assert 0.5 < closed_after(conn) < 3


def test_a_connection_that_sends_nothing_is_closed_after_the_timeout(server: Server) -> None:
    with raw(server) as conn:
        assert 0.5 < closed_after(conn) < 3


def test_a_header_sent_a_byte_at_a_time_does_not_reset_the_timer(server: Server) -> None:
    with raw(server) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        with pytest.raises(OSError):  # reset or broken pipe once the server has closed
            for _ in range(40):
                conn.sendall(b"X")
                time.sleep(0.1)
                if conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                    raise ConnectionResetError
        assert time.monotonic() - started < 3


def test_headers_over_the_cap_get_431_and_a_close(server: Server) -> None:
    with raw(server) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 5000 + b"\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 431 ")
    big = httpx.get(server.url + "/healthz", headers={"X-Big": "a" * 5000})
    assert big.status_code == 431


def test_ordinary_requests_keep_alive_and_sockets_outlive_the_header_timeout(server: Server) -> None:
    with httpx.Client(base_url=server.url) as http:
        assert http.get("/healthz").status_code == 200
        time.sleep(0.5)
        assert http.get("/healthz", headers={"X-Fine": "a" * 3000}).status_code == 200
        large_body = http.post("/api/v1/widget/session", json={"website_key": "wk_" + "x" * 20_000})
        assert large_body.status_code in (404, 422)  # the body is not counted as headers


async def test_a_socket_outlives_the_header_timeout(server: Server) -> None:
    vis, _ = await visitor(server, await visitor_token(server, server.widget_key()))
    await vis.send({"type": "ping"})
    await vis.until("pong")
    await asyncio.sleep(1.5)  # past the header timeout
    await vis.send({"type": "ping"})
    await vis.until("pong")
    await vis.close()


async def refused(url: str, hello: dict[str, object]) -> tuple[int, str, dict[str, object]]:
    """The close code, reason and error frame of a socket the server refuses (an address
    over its cap is refused before hello: sending it may meet the close)."""
    ws = await connect(url, open_timeout=10)
    with contextlib.suppress(ConnectionClosed):
        await ws.send(json.dumps({"type": "hello", "protocol": 1, **hello}))
    frame = json.loads(await ws.recv())
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason, frame


async def test_a_visitor_over_its_socket_cap_is_refused_with_4429(server: Server) -> None:
    token = await visitor_token(server, server.widget_key())
    hello = {"token": token, "cursors": {}}
    first, _ = await visitor(server, token)
    second, _ = await visitor(server, token)
    code, reason, frame = await refused(server.ws_url + "/ws/visitor", hello)
    assert (code, reason) == (4429, "too many sockets for this visitor")
    assert frame["code"] == "too_many_sockets" and "at most 2" in str(frame["message"])
    # The event stream counts too: 429 with Retry-After.
    async with httpx.AsyncClient(base_url=server.url) as http:
        stream = await http.get("/api/v1/widget/stream", headers={"Authorization": f"Bearer {token}"})
    assert stream.status_code == 429 and stream.headers["retry-after"] == "10"
    await second.close()
    third = await admitted(server, token)  # a closed socket frees its place
    await first.close()
    await third.close()


async def admitted(server: Server, token: str) -> Client:
    """A visitor's socket, once the server has counted out sockets closed a moment ago
    (it does so just after their close handshake)."""
    for _ in range(50):
        try:
            return (await visitor(server, token))[0]
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 4429
            await asyncio.sleep(0.1)
    raise AssertionError("never admitted")


async def test_an_address_over_its_socket_cap_is_refused_with_4429(server: Server) -> None:
    key = server.widget_key()
    open_ = [await admitted(server, await visitor_token(server, key)) for _ in range(4)]
    code, reason, _ = await refused(server.ws_url + "/ws/visitor", {"token": "whatever", "cursors": {}})
    assert (code, reason) == (4429, "too many sockets for this address")
    await open_.pop().close()
    again = await admitted(server, await visitor_token(server, key))
    for client in [*open_, again]:
        await client.close()


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    redis_url = services.require_redis()
    database_url = services.create_pg_database()
    env = {"FRONTDESK_SOCKETS_PER_VISITOR": "2"}
    a = Server(tmp_path_factory.mktemp("node-a"), database_url, redis_url, env).start()
    b = Server(tmp_path_factory.mktemp("node-b"), database_url, redis_url, env)
    b.owner_email, b.owner_password = a.owner_email, a.owner_password
    b.start()
    yield a, b
    b.stop()
    a.stop()
    services.drop_pg_database(database_url)


async def test_the_visitor_cap_holds_across_nodes(two_nodes: tuple[Server, Server]) -> None:
    a, b = two_nodes
    token = await visitor_token(a, a.widget_key())
    on_a, _ = await visitor(a, token)
    on_b, _ = await visitor(b, token)
    code, _, _ = await refused(b.ws_url + "/ws/visitor", {"token": token, "cursors": {}})
    assert code == 4429
    await on_a.close()
    again = await admitted(b, token)
    await on_b.close()
    await again.close()
