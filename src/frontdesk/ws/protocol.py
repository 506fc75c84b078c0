"""uvicorn's sans-I/O WebSocket protocol with one addition: several frames in one write.

A sent message goes out as three frames (the sender's ack and own event, the agents'
event), and a busy console's socket has several events waiting whenever its writer
wakes. Through ASGI each frame is a ``websocket.send`` and a ``transport.write``, which
is a ``send`` system call: sending took a tenth of the server's samples at saturation,
the system calls 4-11% of them (docs/benchmarks.md). The ASGI extension
``frontdesk.send_frames`` takes the frames a socket's writer has gathered
(``ws/connection.py``), encoded already, and writes them with one call. Everything else
is uvicorn's.

Two reference cycles kept every closed socket (its protocol, transport, parser, request
and buffers) until a full garbage collection: the extension, a bound method in the
protocol's own scope (protocol -> scope -> method -> protocol), and websockets' parser, a
suspended generator whose frame holds its protocol. After 3,000 visitors had come and
gone, 150,000 such objects waited, a full collection took 0.3 s, and the server stored
7,000-8,800 msg/s instead of 10,000-11,000. Both cycles are cut when the connection is
lost, so a closed socket is freed at once (tests/test_socket_memory.py).
"""

from __future__ import annotations

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState
from websockets.http11 import Request

SEND_FRAMES = "frontdesk.send_frames"


class WebSocketProtocol(WebSocketsSansIOProtocol):
    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The application task is created but not started: it sees the extension.
        if self.handshake_initiated and not self.close_sent:
            self.scope["extensions"][SEND_FRAMES] = self.send_frames  # type: ignore[assignment]  # ASGI types it a dict

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        scope = getattr(self, "scope", None)  # none when the handshake never came
        if scope is not None:
            scope.get("extensions", {}).pop(SEND_FRAMES, None)  # the app holds its own reference
        self.conn.parser.close()  # no more data comes; the generator lets go of its protocol

    async def send_frames(self, frames: list[bytes]) -> None:
        """Text frames (UTF-8 JSON) in order; ``ClientDisconnected`` once the client is
        gone or the socket is closing."""
        await self.writable.wait()
        if self.disconnected or self.close_sent or not self.handshake_complete:
            raise ClientDisconnected()
        try:
            for frame in frames:
                self.conn.send_text(frame)
        except InvalidState:
            raise ClientDisconnected() from None
        self.transport.write(b"".join(self.conn.data_to_send()))
