"""The real-time protocol against a real server: resume by seq, idempotent sends,
bad frames, and who may hear what (docs/protocol.md)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests import services
from tests.factories import PASSWORD, make_team
from tests.server import Server
from tests.wsclient import Client, agent, messages_in, session_cookie, visitor, visitor_token

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # Bursts of sends from one visitor, faster than a person types: the rate limits would
    # refuse them, and visitors' sends take the path under test only with limits off
    # (ws/gateway.py: a limit may wait on Redis, which a frame's callback cannot).
    srv = Server(tmp_path_factory.mktemp("protocol"), rate_limits=False).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def either_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """On PostgreSQL the quick path writes on connections of its own, not behind the
    full path's transaction as on SQLite: what orders a socket's frames is ours alone."""
    if request.param == "sqlite":
        yield request.getfixturevalue("server")
        return
    database = services.create_pg_database()
    srv = Server(tmp_path_factory.mktemp("protocol-pg"), database, rate_limits=False).start()
    yield srv
    srv.stop()
    services.drop_pg_database(database)


@pytest.fixture(scope="module")
def widget_key(server: Server) -> str:
    return server.widget_key()


@pytest.fixture(scope="module")
def owner_cookie(server: Server) -> str:
    return session_cookie(server)


async def test_reconnect_replays_exactly_the_missed_messages_once(
    server: Server, widget_key: str, owner_cookie: str
) -> None:
    token = await visitor_token(server, widget_key)
    vis, _ = await visitor(server, token)
    ack = await vis.say("Hi, I need help with my order")
    conv = ack["message"]["conversation_id"]
    held = ack["message"]["seq"]
    await vis.close()

    console, _ = await agent(server, owner_cookie)
    missed = [await console.say(f"answer {i}", conv) for i in range(3)]
    assert all(m["type"] == "ack" for m in missed)

    vis, replay = await visitor(server, token, {conv: held})
    got = messages_in(replay)
    assert [m["body"] for m in got] == ["answer 0", "answer 1", "answer 2"]
    assert [m["seq"] for m in got] == [m["message"]["seq"] for m in missed]
    assert all(m["seq"] > held for m in got)

    live = await console.say("and one live", conv)
    frames = await vis.quiet(0.5)
    assert [m["seq"] for m in messages_in(frames)] == [live["message"]["seq"]]
    await vis.close()
    await console.close()


async def test_a_second_tab_without_cursors_gets_the_whole_history(server: Server, widget_key: str) -> None:
    token = await visitor_token(server, widget_key)
    tab1, _ = await visitor(server, token)
    for body in ("one", "two"):
        await tab1.say(body)
    tab2, replay = await visitor(server, token)
    assert [m["body"] for m in messages_in(replay)] == ["one", "two"]
    await tab1.say("three")
    assert [m["body"] for m in messages_in(await tab2.quiet(0.5))] == ["three"]
    await tab1.close()
    await tab2.close()


async def test_resending_a_client_ref_after_reconnect_stores_one_message(server: Server, widget_key: str) -> None:
    token = await visitor_token(server, widget_key)
    vis, _ = await visitor(server, token)
    ref = str(uuid.uuid4())
    first = await vis.say("sent twice", client_ref=ref)
    await vis.close()
    vis, _ = await visitor(server, token)
    second = await vis.say("sent twice", client_ref=ref)

    assert second["duplicate"] is True and first["duplicate"] is False
    assert second["message"]["id"] == first["message"]["id"]
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        history = (
            await http.get(f"/api/v1/widget/conversations/{first['message']['conversation_id']}/messages")
        ).json()
    assert [m["body"] for m in history["items"]].count("sent twice") == 1
    await vis.close()


async def test_bad_frames_get_clear_errors_and_the_socket_keeps_working(server: Server, widget_key: str) -> None:
    token = await visitor_token(server, widget_key)
    vis, _ = await visitor(server, token)
    kept = await vis.say("stored before the bad frames")

    async def error() -> dict[str, Any]:
        frame, before = await vis.until("error")
        assert all(f["type"] == "event" for f in before), "only the new chat's events may come between"
        return frame

    await vis.ws.send("{not json")
    assert (await error())["code"] == "bad_frame"
    await vis.ws.send("[1, 2]")
    assert "JSON object" in (await error())["message"]
    await vis.send({"type": "shout", "ref": "r1"})
    unknown = await error()
    assert (unknown["code"], unknown["field"], unknown["ref"]) == ("unknown_type", "type", "r1")
    await vis.ws.send(b"\x00\x01binary")
    assert (await error())["code"] == "bad_frame"
    await vis.send({"type": "send", "client_ref": "short", "body": "x"})
    assert (await error())["field"] == "client_ref"
    empty = await vis.say("   ")
    assert (empty["code"], empty["field"]) == ("invalid", "body")
    assert "1-10000 characters, got 0" in empty["message"]
    huge = await vis.say("x" * 10_001)
    assert "got 10001" in huge["message"]
    note = await vis.say("sneaky", private=True)
    assert note["code"] == "forbidden"
    await vis.send({"type": "read", "conversation_id": kept["message"]["conversation_id"], "seq": "many"})
    assert (await error())["field"] == "seq"
    await vis.send({"type": "hello", "protocol": 1})
    assert "already" in (await error())["message"]

    await vis.send({"type": "ping"})
    await vis.until("pong")
    ok = await vis.say("still works")
    assert ok["type"] == "ack" and ok["message"]["seq"] > kept["message"]["seq"]

    # A frame over the 64 KiB limit closes this socket (1009), and only this one.
    await vis.ws.send(json.dumps({"type": "send", "client_ref": str(uuid.uuid4()), "body": "y" * 70_000}))
    # Events may still arrive before the close (the first test's console going offline
    # reaches every visitor of the website), but no answer to the frame.
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            frame = await vis.recv()
            assert frame["type"] not in ("ack", "error"), frame
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    vis, replay = await visitor(server, token)
    assert [m["body"] for m in messages_in(replay)] == ["stored before the bad frames", "still works"]
    await vis.close()


async def test_frames_sent_without_waiting_are_answered_and_stored_in_the_order_sent(either_server: Server) -> None:
    """Sends the quick path may store are taken as they arrive, without the read loop
    (ws/gateway.py, ``FrameHandler.take``); any other frame, and any frame that comes
    while one is being handled, takes the read loop. Whichever way each goes, a
    socket's frames are handled one at a time in the order sent: the first send here
    starts the conversation (the full path, after the quick one declined it), the
    next ones arrive meanwhile, pings, a wrong send and sends with a file (the full
    path, from the read loop) in between."""
    server = either_server
    token = await visitor_token(server, server.widget_key())
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        files = [
            (await http.post("/api/v1/widget/attachments", files={"file": (f"{n}.txt", b"hello", "text/plain")})).json()
            for n in range(9)
        ]
    vis, _ = await visitor(server, token)
    expected: list[tuple[str, str]] = []  # (answer type, client_ref or "") in the order sent
    bodies: list[str] = []
    answers: list[dict[str, Any]] = []
    for burst in range(3):
        for i in range(12):
            ref = str(uuid.uuid4())
            frame: dict[str, Any] = {"type": "send", "client_ref": ref, "body": f"m{burst}.{i}"}
            if i in (3, 5, 9):  # the full path, from the read loop
                frame["attachment_ids"] = [files.pop()["id"]]
            await vis.send(frame)
            expected.append(("ack", ref))
            bodies.append(frame["body"])
            if i % 3 == 1 or "attachment_ids" in frame:  # the next arrives while this is stored
                await asyncio.sleep(0.001 * (burst + 1))
            if i % 5 == 2:
                await vis.send({"type": "ping"})
                expected.append(("pong", ""))
            if i == 7:
                await vis.send({"type": "send", "client_ref": "short", "body": "refused"})
                expected.append(("error", ""))
        while len(answers) < len(expected):
            answer = await vis.recv()
            if answer["type"] in ("ack", "pong", "error"):
                answers.append(answer)
        await asyncio.sleep(0.05)  # the next burst starts on an idle socket

    assert [(a["type"], a.get("client_ref", "") if a["type"] == "ack" else "") for a in answers] == expected
    seqs = [a["message"]["seq"] for a in answers if a["type"] == "ack"]
    assert seqs == list(range(1, 37))
    assert [a["message"]["body"] for a in answers if a["type"] == "ack"] == bodies
    await vis.close()
    vis, replay = await visitor(server, token)
    assert [(m["seq"], m["body"]) for m in messages_in(replay)] == list(zip(range(1, 37), bodies, strict=True))
    await vis.close()


async def test_a_visitor_cannot_read_or_write_another_visitors_conversation(server: Server, widget_key: str) -> None:
    ada, _ = await visitor(server, await visitor_token(server, widget_key))
    secret = await ada.say("my address is 1 Main St")
    conv = secret["message"]["conversation_id"]

    eve_token = await visitor_token(server, widget_key)
    eve, replay = await visitor(server, eve_token, {conv: 0})
    assert replay and replay[0]["code"] == "not_found" and not messages_in(replay)
    intrusion = await eve.say("let me in", conv)
    assert intrusion["code"] == "not_found"
    await ada.say("another secret")
    assert not messages_in(await eve.quiet(0.5))
    async with httpx.AsyncClient(base_url=server.url, headers={"Authorization": f"Bearer {eve_token}"}) as http:
        assert (await http.get(f"/api/v1/widget/conversations/{conv}/messages")).status_code == 404
        forged = await http.post(
            "/api/v1/widget/messages", json={"client_ref": str(uuid.uuid4()), "body": "x", "conversation_id": conv}
        )
        assert forged.status_code == 404
    await ada.close()
    await eve.close()


async def test_a_bad_visitor_token_is_refused(server: Server) -> None:
    client = await Client.open(server.ws_url + "/ws/visitor", {"token": "forged.token.value"})
    error = await client.recv()
    assert error["code"] == "unauthorized"
    with pytest.raises(ConnectionClosed) as closed:
        await client.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_only_the_two_socket_paths_take_a_socket(server: Server) -> None:
    # They are reached ahead of the HTTP router (ws/routes.py); anything else still goes
    # through it, which has no socket routes, and is refused at the handshake.
    for path in ("/ws/visitors", "/ws/visitor/", "/api/v1/ws/visitor", "/"):
        with pytest.raises(InvalidStatus) as refused:
            await connect(server.ws_url + path, open_timeout=10)
        assert refused.value.response.status_code == 403, path


async def test_an_agent_of_another_workspace_hears_and_reaches_nothing(
    server: Server, widget_key: str, owner_cookie: str
) -> None:
    ctx = server.context()
    other = await make_team(ctx, "Other Inc")
    async with ctx.db.reader() as session:
        from frontdesk.agents.models import Agent

        outsider_email = (await session.get_one(Agent, other.owner.agent_id)).email
    await ctx.db.dispose()

    outsider, _ = await agent(server, session_cookie(server, outsider_email, PASSWORD))
    vis, _ = await visitor(server, await visitor_token(server, widget_key))
    sent = await vis.say("for Acme's eyes only")
    conv = sent["message"]["conversation_id"]

    assert not messages_in(await outsider.quiet(0.5))
    assert (await outsider.say("hello?", conv))["code"] == "not_found"
    await outsider.send({"type": "resume", "cursors": {conv: 0}})
    error, _ = await outsider.until("error")
    assert error["code"] == "not_found"
    with server.login(outsider_email, PASSWORD) as http:
        assert http.get(f"/api/v1/conversations/{conv}").status_code == 404
        assert http.get(f"/api/v1/conversations/{conv}/messages").status_code == 404
        assert http.patch(f"/api/v1/conversations/{conv}", json={"status": "resolved"}).status_code == 404
        assert conv not in [c["id"] for c in http.get("/api/v1/conversations").json()["items"]]
    await outsider.close()
    await vis.close()


async def test_agent_sockets_need_a_session_from_our_own_origin(server: Server, owner_cookie: str) -> None:
    async def close_code(headers: dict[str, str]) -> int | None:
        with pytest.raises(ConnectionClosed) as closed:
            client = await Client.open(server.ws_url + "/ws/agent", {}, headers)
            await client.recv()
        return closed.value.rcvd.code if closed.value.rcvd else None

    assert await close_code({}) == 4401
    hijack = {"Cookie": f"frontdesk_session={owner_cookie}", "Origin": "https://evil.example"}
    assert await close_code(hijack) == 4401
    assert await close_code({"Authorization": "Bearer fd_not-a-real-token"}) == 4401


async def test_agents_see_visitor_typing_and_read_receipts(server: Server, widget_key: str, owner_cookie: str) -> None:
    console, _ = await agent(server, owner_cookie)
    vis, _ = await visitor(server, await visitor_token(server, widget_key))
    sent = await vis.say("typing test")
    conv = sent["message"]["conversation_id"]
    await vis.send({"type": "typing", "conversation_id": conv, "state": "start"})
    typing, _ = await console.until("event")
    while typing["event"] != "typing.started":
        typing, _ = await console.until("event")
    assert typing["data"]["author"]["type"] == "visitor"

    reply = await console.say("I see you typing", conv)
    await vis.send({"type": "read", "conversation_id": conv, "seq": reply["message"]["seq"]})
    frames = await console.quiet(0.5)
    reads = [f for f in frames if f.get("event") == "conversation.read"]
    assert reads and reads[-1]["data"] == {"conversation_id": conv, "reader": "visitor", "seq": reply["message"]["seq"]}
    await asyncio.gather(console.close(), vis.close())


async def test_a_private_note_never_reaches_the_visitors_socket(
    server: Server, widget_key: str, owner_cookie: str
) -> None:
    vis, _ = await visitor(server, await visitor_token(server, widget_key))
    sent = await vis.say("hello")
    conv = sent["message"]["conversation_id"]
    console, _ = await agent(server, owner_cookie, {conv: 0})
    await console.say("note: refund approved", conv, private=True)
    await console.say("Good news!", conv)
    assert [m["body"] for m in messages_in(await vis.quiet(0.5))] == ["Good news!"]
    await asyncio.gather(console.close(), vis.close())


def test_the_server_still_serves_after_all_that(server: Server, tmp_path: Path) -> None:
    assert httpx.get(server.url + "/readyz").json() == {"status": "ready", "database": "ok"}
