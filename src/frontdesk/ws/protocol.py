"""uvicorn's sans-I/O WebSocket protocol with one addition: several frames in one write.

A sent message goes out as three frames (the sender's ack and own event, the agents'
event), and a busy console's socket has several events waiting whenever its writer
wakes. Through ASGI each frame is a ``websocket.send`` and a ``transport.write``, which
is a ``send`` system call: sending took a tenth of the server's samples at saturation,
the system calls 4-11% of them (docs/benchmarks.md). The ASGI extension
``frontdesk.send_frames`` takes the frames a socket's writer has gathered
(``ws/connection.py``), encoded already, and writes them with one call. Everything else
is uvicorn's.

A server's text frame is a two-to-ten-byte header and the payload as it is (no mask),
so without an extension negotiated (compression) the frames are framed here: websockets
builds a ``Frame`` per frame and serializes it through a ``BytesIO``, 7% of the loop's
time at saturation (docs/benchmarks.md). With an extension, websockets frames them.

Two reference cycles kept every closed socket (its protocol, transport, parser, request
and buffers) until a full garbage collection: the extension, a bound method in the
protocol's own scope (protocol -> scope -> method -> protocol), and websockets' parser, a
suspended generator whose frame holds its protocol. After 3,000 visitors had come and
gone, 150,000 such objects waited, a full collection took 0.3 s, and the server stored
7,000-8,800 msg/s instead of 10,000-11,000. Both cycles are cut when the connection is
lost, so a closed socket is freed at once (tests/test_socket_memory.py).
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.exceptions import InvalidState
from websockets.http11 import Request
from websockets.protocol import State

SEND_FRAMES = "frontdesk.send_frames"
SEND_FRAMES_NOW = "frontdesk.send_frames_now"
TAKE_TEXT = "frontdesk.take_text"

# Offered a client's text frame (its UTF-8 bytes) as it arrives; True if it took it.
TextTaker = Callable[[bytes], bool]


class WebSocketProtocol(WebSocketsSansIOProtocol):
    _take_text: TextTaker | None = None

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The application task is created but not started: it sees the extension.
        if self.handshake_initiated and not self.close_sent:
            extensions = self.scope["extensions"]
            extensions[SEND_FRAMES] = self.send_frames  # type: ignore[assignment]  # ASGI types it a dict
            extensions[SEND_FRAMES_NOW] = self.send_frames_now  # type: ignore[assignment]
            extensions[TAKE_TEXT] = self.take_text  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        scope = getattr(self, "scope", None)  # none when the handshake never came
        if scope is not None:
            extensions = scope.get("extensions", {})
            extensions.pop(SEND_FRAMES, None)  # the app holds its own reference
            extensions.pop(SEND_FRAMES_NOW, None)
            extensions.pop(TAKE_TEXT, None)
        self._take_text = None  # the app's handler, and through it the app's session
        self.conn.parser.close()  # no more data comes; the generator lets go of its protocol

    # Frames in ----------------------------------------------------------------------
    # Each client frame is put on the app's queue, reading pauses, and the app's task
    # wakes to take it (``receive``) and resumes reading: a task step and two changes to
    # the poller's interest list a frame. With a taker set, a frame that arrives while
    # nothing waits on the queue is offered to it first, from this callback; what it
    # declines takes the queue as before, so frames keep their order.
    def take_text(self, taker: TextTaker | None) -> None:
        """Offer text frames to ``taker`` from now on (None: no longer)."""
        self._take_text = taker if not self.disconnected else None

    def send_receive_event_to_app(self) -> None:
        taker = self._take_text
        if (
            taker is not None
            and self.curr_msg_data_type == "text"
            and len(self.frames) == 1
            and not self.close_sent
            and self.queue.empty()
            and taker(self.frames[0])
        ):
            self.frames = []
            return
        super().send_receive_event_to_app()

    async def send_frames(self, frames: list[bytes]) -> None:
        """Text frames (UTF-8 JSON) in order; ``ClientDisconnected`` once the client is
        gone or the socket is closing."""
        await self.writable.wait()
        if not self._open():
            raise ClientDisconnected()
        self._write_frames(frames)

    def send_frames_now(self, frames: list[bytes]) -> bool:
        """The same without waiting: False, having written nothing, when the client reads
        too slowly (the transport's buffer is full) or the socket is not open. The caller
        then takes ``send_frames``, which waits or raises."""
        if not (self.writable.is_set() and self._open()):
            return False
        self._write_frames(frames)
        return True

    def _open(self) -> bool:
        return not (self.disconnected or self.close_sent) and self.handshake_complete and self.conn.state is State.OPEN

    def _write_frames(self, frames: list[bytes]) -> None:
        conn = self.conn
        if conn.extensions or conn.expect_continuation_frame:
            try:
                for frame in frames:
                    conn.send_text(frame)
            except InvalidState:
                raise ClientDisconnected() from None
            self.transport.write(b"".join(conn.data_to_send()))
            return
        out = conn.data_to_send()  # none, unless websockets queued a frame of its own
        for frame in frames:
            out += (text_header(len(frame)), frame)
        self.transport.write(b"".join(out))


_FIN_TEXT = 0x81
_SHORT = struct.Struct("!BB").pack
_MEDIUM = struct.Struct("!BBH").pack
_LONG = struct.Struct("!BBQ").pack


def text_header(length: int) -> bytes:
    """RFC 6455 5.2: a final, unmasked text frame of ``length`` bytes."""
    if length < 126:
        return _SHORT(_FIN_TEXT, length)
    if length < 65536:
        return _MEDIUM(_FIN_TEXT, 126, length)
    return _LONG(_FIN_TEXT, 127, length)
