"""The OpenAPI document is the truth: schemathesis generates requests for every operation
(valid ones, invalid ones, wrong methods, missing credentials) against a real server, on
SQLite and on PostgreSQL, and runs all of its checks on every answer (``--checks all``):
no server error, only documented statuses, content types, headers and bodies, invalid
data refused and valid data accepted.

``FRONTDESK_SCHEMATHESIS_EXAMPLES`` sets the examples per operation (default 10); the
run is derandomized with a fixed seed, so CI sees the same requests every time.

It runs schemathesis's own runner (``schemathesis run``, every phase) rather than its
pytest plugin: the plugin's lazy loader, which a server started by a fixture needs,
renames pytest's node ids through a private attribute that pytest 9.2 no longer has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import services
from tests.server import Server

# A group of its own: the longest test in the suite runs beside the other servers' tests.
pytestmark = [pytest.mark.xdist_group("contract"), pytest.mark.timeout(900)]

EXAMPLES = int(os.environ.get("FRONTDESK_SCHEMATHESIS_EXAMPLES", "10"))
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# Left out, each for a reason of its own, not for an answer we did not like (logout ends
# only the session of a cookie, and the run authenticates with tokens, so it stays in):
EXCLUDED: tuple[str, ...] = (
    # Ends the run's visitor session: every widget call after it would answer 401, and
    # the rest of the run would test nothing of the widget (tests/test_visitor_identity.py).
    "POST /api/v1/widget/session/end",
)

# Where a request can have the schema's shape and still be wrong in a way JSON Schema
# cannot say, the server answers 422 naming the field; everywhere else valid data must
# be accepted. Each with what the schema cannot express:
JUDGED_ON_MORE_THAN_SHAPE = (
    # snooze_until must be in the future: it depends on the clock.
    "PATCH /api/v1/conversations/{conversation_id}",
    # Each business-hours span must start before it ends: a relation between two items.
    "POST /api/v1/teams",
    "PATCH /api/v1/teams/{team_id}",
    # A condition's regex must compile in Python's dialect, not only ECMAScript's.
    "POST /api/v1/routing-rules",
    "PUT /api/v1/routing-rules/{rule_id}",
    # A new password must not be on the shipped list of common passwords (agents/).
    "POST /api/v1/auth/password-reset/confirm",
    "POST /api/v1/invite/{secret}",
    "PUT /api/v1/me/password",
    # A two-factor code is right only for the secret and the clock's 30-second step.
    "POST /api/v1/auth/two-factor",
    "POST /api/v1/me/two-factor/confirm",
    "POST /api/v1/me/two-factor/disable",
    # The file's bytes must be of an allowed type (and not empty).
    "POST /api/v1/attachments",
    "POST /api/v1/widget/attachments",
    # A webhook URL's host must not be (or resolve to) a loopback, private or other
    # non-public address, and it must parse as a URL with a host and a valid port.
    "POST /api/v1/webhooks",
    "PATCH /api/v1/webhooks/{webhook_id}",
)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    database = services.create_pg_database() if request.param == "postgres" else None
    # Thousands of requests with one visitor's token from one address: what the rate limits
    # are there to refuse (tests/test_abuse_limits.py tests them, 429 and Retry-After).
    # No background loops: an endpoint the run creates with a generated public address
    # would otherwise be sent the run's events, and this machine sends nothing outside.
    srv = Server(
        tmp_path_factory.mktemp(f"contract-{request.param}"),
        database,
        rate_limits=False,
        extra_env={"FRONTDESK_RUN_WORKER": "false"},
    ).start()
    yield srv
    srv.stop()
    if database:
        services.drop_pg_database(database)


@dataclass
class Credentials:
    agent: str  # the owner's API token
    visitor: str  # a visitor's token, with a conversation
    # What the run may change without taking away its own access:
    teammate_id: str  # an agent to edit (PATCH /agents/{id} could deactivate the owner)
    spare_token_id: str  # a token to revoke (DELETE /tokens/{id} could revoke the run's own)
    other_contact_id: str  # a visitor to block (blocking the run's own ends the widget's part)


def credentials(server: Server) -> Credentials:
    with server.login() as owner:
        agent = owner.post("/api/v1/tokens", json={"name": "schemathesis"}).json()["token"]
        spare = owner.post("/api/v1/tokens", json={"name": "spare"}).json()["id"]
        url = owner.post("/api/v1/invitations", json={"email": "teammate@example.com"}).json()["url"]
    with httpx.Client(base_url=server.url, timeout=10) as http:
        joined = http.post(url.replace("/console/invite/", "/api/v1/invite/"), json=TEAMMATE).json()
        visitor, _ = _visitor(http, server.widget_key())
        _, other = _visitor(http, server.widget_key())
    return Credentials(agent, visitor, joined["agent"]["id"], spare, other)


TEAMMATE = {"name": "Teammate", "password": "a long enough password"}


def _visitor(http: httpx.Client, widget_key: str) -> tuple[str, str]:
    """A visitor's token and contact id, with a conversation to read and write."""
    session = http.post("/api/v1/widget/session", json={"website_key": widget_key}).json()
    http.post(
        "/api/v1/widget/messages",
        headers={"Authorization": f"Bearer {session['token']}"},
        json={"client_ref": str(uuid.uuid4()), "body": "Hello"},
    )
    return session["token"], session["contact"]["id"]


def config(given: Credentials) -> str:
    """schemathesis.toml: credentials for the document's schemes, the agent's API token
    and the visitor's token (the session cookie stays unset: either scheme will do)."""
    lines = [
        "seed = 23",
        "[generation]",
        f"max-examples = {EXAMPLES}",
        "deterministic = true",
        "[checks]",
        "enabled = true",
        "[auth.openapi.apiToken]",
        f"bearer = {json.dumps(given.agent)}",
        "[auth.openapi.visitorToken]",
        f"bearer = {json.dumps(given.visitor)}",
    ]
    pinned = {
        "PATCH /api/v1/agents/{agent_id}": ("agent_id", given.teammate_id),
        "DELETE /api/v1/tokens/{token_id}": ("token_id", given.spare_token_id),
        "POST /api/v1/contacts/{contact_id}/block": ("contact_id", given.other_contact_id),
    }
    for name, (parameter, value) in pinned.items():
        lines += [
            "[[operations]]",
            f"include-name = {json.dumps(name)}",
            f"parameters = {{ {parameter} = {json.dumps(value)} }}",
        ]
    # Server-Sent Events never end by design: read the first frames (welcome, synced).
    stream = "max-stream-events = 2\nrequest-timeout = 5"
    lines += ["[[operations]]", 'include-name = "GET /api/v1/widget/stream"', stream]
    for name in EXCLUDED:
        lines += ["[[operations]]", f"include-name = {json.dumps(name)}", "enabled = false"]
    for name in JUDGED_ON_MORE_THAN_SHAPE:
        statuses = json.dumps(["2xx", "3xx", "401", "403", "404", "409", "422", "429"])
        check = f"{{ positive_data_acceptance = {{ expected-statuses = {statuses} }} }}"
        lines += ["[[operations]]", f"include-name = {json.dumps(name)}", f"checks = {check}"]
    return "\n".join(lines) + "\n"


def test_every_operation_keeps_its_contract(server: Server, tmp_path: Path) -> None:
    (tmp_path / "schemathesis.toml").write_text(config(credentials(server)))
    command = [str(SCHEMATHESIS), "--no-color", "--config-file", str(tmp_path / "schemathesis.toml"), "run"]
    command += [f"{server.url}/api/v1/openapi.json", "--checks", "all", "--workers", "1"]
    started = time.monotonic()
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=840, check=False)
    took = time.monotonic() - started
    (tmp_path / "schemathesis.log").write_text(run.stdout + run.stderr)
    shown = "\n".join(line[:400] for line in (run.stdout + run.stderr).splitlines() if line.strip())
    print(f"schemathesis: {took:.0f} s, {EXAMPLES} examples per operation; the output in {tmp_path}\n{shown[-30000:]}")
    errors = "".join(server.output)[-8000:]  # the server's side of a 500: its traceback
    assert run.returncode == 0, f"{shown[-30000:]}\n--- the server's log:\n{errors}"
