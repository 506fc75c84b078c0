"""Secrets stay out of logs: URLs that are their own key out of the access log, bound
values out of SQL errors, the first owner's password shown once."""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from frontdesk.context import Context
from frontdesk.http.access_log import redact
from tests.server import Server

pytestmark = pytest.mark.xdist_group("server")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("logs"), extra_env={"FRONTDESK_LOG_LEVEL": "info"}).start()
    yield srv
    srv.stop()


def logged_after(server: Server, seen: int, needle: str) -> str:
    """The server's output since line ``seen``, once ``needle`` has appeared in it."""
    for _ in range(50):
        out = "".join(server.output[seen:])
        if needle in out:
            return out
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never logged:\n{out}")


def test_invitation_and_attachment_links_are_redacted_in_the_access_log(server: Server) -> None:
    with server.login() as owner:
        url = owner.post("/api/v1/invitations", json={"email": f"{uuid.uuid4().hex}@example.com"}).json()["url"]
    secret = url.rsplit("/", 1)[1]
    with httpx.Client(base_url=server.url) as http:
        token = http.post("/api/v1/widget/session", json={"website_key": server.widget_key()}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        file = http.post("/api/v1/widget/attachments", files={"file": ("passport.png", PNG, "image/png")}, headers=auth)
        sent = http.post(
            "/api/v1/widget/messages",
            json={"client_ref": str(uuid.uuid4()), "body": "", "attachment_ids": [file.json()["id"]]},
            headers=auth,
        )
        link = sent.json()["attachments"][0]["url"]
        seen = len(server.output)
        assert http.get(f"/console/invite/{secret}").status_code == 200
        assert http.get(f"/api/v1/invite/{secret}").status_code == 200
        assert http.get(link).status_code == 200
        assert http.get("/healthz?token=abc123").status_code == 200
    log = logged_after(server, seen, "/healthz")
    assert secret not in log and file.json()["id"] not in log and "passport" not in log and "abc123" not in log
    assert '"GET /console/invite/[redacted] HTTP/1.1" 200' in log
    assert '"GET /api/v1/invite/[redacted] HTTP/1.1" 200' in log
    assert '"GET /api/v1/attachments/[redacted]/[redacted] HTTP/1.1" 200' in log


def test_redaction_leaves_other_paths_alone() -> None:
    assert redact("/api/v1/conversations?status=open") == "/api/v1/conversations?status=open"
    assert redact("/api/v1/attachments") == "/api/v1/attachments"  # the upload: no id yet
    assert redact("/api/v1/widget/config?website_key=wk_1") == "/api/v1/widget/config?website_key=wk_1"
    assert redact("/x?a=1&secret=s3&b=2") == "/x?a=1&secret=[redacted]&b=2"


def test_the_first_owner_password_is_shown_once_and_stored_nowhere(server: Server) -> None:
    password = server.owner_password
    assert sum(line.count(password) for line in server.output) == 1
    seen = len(server.output)
    server.stop()
    server.start()
    assert password not in "".join(server.output[seen:])
    assert "Login:     the owner account made on the first run" in "".join(server.output[seen:])
    for path in server.var_dir.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


async def test_a_failed_statement_names_no_bound_value(ctx: Context) -> None:
    secret = f"secret-{uuid.uuid4().hex}"  # made here: a traceback shows source lines
    for engine in {ctx.db.engine, ctx.db.read_engine, ctx.db.quick_engine}:
        with pytest.raises(Exception) as failed:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM no_such_table WHERE x = :v"), {"v": secret})
        logged = "".join(traceback.format_exception(failed.value))
        assert "no_such_table" in logged and secret not in logged
        assert "parameters hidden" in logged
