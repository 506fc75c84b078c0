"""SIGKILL the server mid-conversation: every acknowledged message survives and clients resume."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import services
from tests.server import Server
from tests.wsclient import agent, messages_in, session_cookie, visitor, visitor_token

pytestmark = pytest.mark.xdist_group("server")


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None  # the server's default: SQLite under its var dir
        return
    url = services.create_pg_database()
    yield url
    services.drop_pg_database(url)


async def test_acknowledged_messages_survive_sigkill_and_clients_resume(
    tmp_path_factory: pytest.TempPathFactory, database: str | None
) -> None:
    var = tmp_path_factory.mktemp("restart")
    server = Server(var, database).start()
    key = server.widget_key()
    token = await visitor_token(server, key)
    cookie = session_cookie(server)
    vis, _ = await visitor(server, token)
    acked = [await vis.say(f"message {i}") for i in range(20)]
    assert all(a["type"] == "ack" for a in acked)
    conv = acked[0]["message"]["conversation_id"]
    server.kill()

    restarted = Server(var, database)
    restarted.port = server.port  # same address, as after a process manager restarts it
    restarted.start()
    try:
        vis2, replay = await visitor(restarted, token, {conv: acked[9]["message"]["seq"]})
        assert [m["body"] for m in messages_in(replay)] == [f"message {i}" for i in range(10, 20)]
        console, full = await agent(restarted, cookie, {conv: 0})  # the session cookie survived too
        said = [m["body"] for m in messages_in(full) if m["author"]["type"] != "system"]
        assert said == [f"message {i}" for i in range(20)]
        again = await vis2.say("after the crash", conv)
        assert again["message"]["seq"] > acked[-1]["message"]["seq"]
        await vis2.close()
        await console.close()
    finally:
        restarted.stop()
