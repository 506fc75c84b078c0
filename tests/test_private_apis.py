"""What Frontdesk keeps of uvicorn's, websockets' and aiosqlite's insides, held to the
installed versions: an upgrade that renames or rewrites one fails here, naming it,
instead of a socket that quietly stops taking frames or a batch that never runs.

- ws/protocol.py subclasses uvicorn's sans-I/O WebSocket protocol: frames written
  several to a system call and framed by us, written from a callback, and client
  frames taken as they are parsed (docs/architecture.md, "Private APIs kept").
- http/protocol.py subclasses uvicorn's httptools protocol with a copy of its
  ``data_received``: the header timeout and size cap.
- storage/quick.py runs SQLite's batches in aiosqlite's own thread
  (``Connection._execute`` on its ``_conn``), and storage/db.py's pool reset reads
  ``_conn``.

A digest is of the source of a function we override, copy, call or rely on the
workings of. When one fails: read the new source against ours, adapt ours if need
be, and record the new digest with the version it came with.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
from collections.abc import Callable
from typing import Any

import aiosqlite
import aiosqlite.core
import pytest
import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState

from frontdesk.ws.protocol import WebSocketProtocol

# uvicorn 0.54.0, aiosqlite 0.22.1 (requirements.lock).
DIGESTS: dict[tuple[str, str], str] = {
    # ws/protocol.py: the handshake puts our extensions in the scope, a lost connection
    # takes them out; a text frame reaches the app through send_receive_event_to_app,
    # which we step in front of; the transport's flow control sets ``writable``.
    ("WebSocketsSansIOProtocol", "handle_connect"): "fc648c2161ff8e13",
    ("WebSocketsSansIOProtocol", "connection_lost"): "dd116afc4d8034e1",
    ("WebSocketsSansIOProtocol", "handle_text"): "6ae523180cf04a01",
    ("WebSocketsSansIOProtocol", "handle_cont"): "d96fe1479da61beb",
    ("WebSocketsSansIOProtocol", "send_receive_event_to_app"): "a2b10de91477dc1d",
    ("WebSocketsSansIOProtocol", "receive"): "1dc0e715390021a1",
    ("WebSocketsSansIOProtocol", "pause_writing"): "4830f7e0d81f877d",
    ("WebSocketsSansIOProtocol", "resume_writing"): "ef79384e5fff077c",
    # http/protocol.py: data_received is copied; the rest are overridden or called.
    ("HttpToolsProtocol", "data_received"): "010a7ae59a5d3b1a",
    ("HttpToolsProtocol", "connection_made"): "6efb565ff3d36b91",
    ("HttpToolsProtocol", "connection_lost"): "c91a4c9bf2e29c55",
    ("HttpToolsProtocol", "on_message_begin"): "96d377fdc7c2baef",
    ("HttpToolsProtocol", "on_url"): "37be44e962b04ca8",
    ("HttpToolsProtocol", "on_header"): "65d62c044f61fdbd",
    ("HttpToolsProtocol", "on_headers_complete"): "1ea8589acfad92d8",
    ("HttpToolsProtocol", "_unset_keepalive_if_required"): "00a6a4e47214e68e",
    ("HttpToolsProtocol", "_should_upgrade"): "8fcad1ab8e096739",
    ("HttpToolsProtocol", "handle_websocket_upgrade"): "179c4f769386ab89",
    ("HttpToolsProtocol", "_unsupported_upgrade_warning"): "55bbd2762b189d9a",
    ("HttpToolsProtocol", "send_400_response"): "ae5a4a3782b646fd",
    # storage/quick.py: a job for aiosqlite's thread, run there in order with the rest.
    ("Connection", "_execute"): "11f83d6bbbe803e3",
    ("Connection", "_conn"): "2b88b77116bfb96a",
    ("aiosqlite.core", "_connection_worker_thread"): "17e364bc23e051c3",
}

_OWNERS: dict[str, Any] = {
    "WebSocketsSansIOProtocol": WebSocketsSansIOProtocol,
    "HttpToolsProtocol": HttpToolsProtocol,
    "Connection": aiosqlite.Connection,
    "aiosqlite.core": aiosqlite.core,
}
_VERSIONS = {"WebSocketsSansIOProtocol": uvicorn.__version__, "HttpToolsProtocol": uvicorn.__version__}


def _digest(fn: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()[:16]


@pytest.mark.parametrize(("owner", "name"), list(DIGESTS), ids=[f"{o}.{n}" for o, n in DIGESTS])
def test_the_private_code_we_rely_on_is_as_we_read_it(owner: str, name: str) -> None:
    found = getattr(_OWNERS[owner], name, None)
    assert found is not None, f"{owner}.{name} is gone: see this module's docstring"
    fn = found.fget if isinstance(found, property) else found
    version = _VERSIONS.get(owner, aiosqlite.__version__)
    assert _digest(fn) == DIGESTS[owner, name], (
        f"{owner}.{name} changed (now {version}): read it against ours, then record {_digest(fn)}"
    )


async def test_the_attributes_our_protocol_reads_are_there() -> None:
    """The state ws/protocol.py reads off uvicorn's protocol and websockets' connection."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass

    config = uvicorn.Config(app, ws=WebSocketProtocol, lifespan="off")
    config.load()
    protocol = WebSocketProtocol(config=config, server_state=ServerState(), app_state={})
    for name in (
        "handshake_initiated",
        "handshake_complete",
        "close_sent",
        "disconnected",
        "curr_msg_data_type",
        "frames",
        "queue",
        "writable",
        "conn",
    ):
        assert hasattr(protocol, name), f"uvicorn's WebSocket protocol has no {name} any more"
    assert isinstance(protocol.writable, asyncio.Event)
    for name in ("parser", "extensions", "expect_continuation_frame", "data_to_send", "send_text", "state"):
        assert hasattr(protocol.conn, name), f"websockets' ServerProtocol has no {name} any more"
