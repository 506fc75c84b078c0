"""uvicorn's sans-I/O WebSocket protocol with one addition: several frames in one write.

A sent message goes out as three frames (the sender's ack and own event, the agents'
event), and a busy console's socket has several events waiting whenever its writer
wakes. Through ASGI each frame is a ``websocket.send`` and a ``transport.write``, which
is a ``send`` system call: sending took a tenth of the server's samples at saturation,
the system calls 4-11% of them (docs/benchmarks.md). The ASGI extension
``frontdesk.send_frames`` takes the frames a socket's writer has gathered
(``ws/connection.py``), encoded already, and writes them with one call. Everything else
is uvicorn's.
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
