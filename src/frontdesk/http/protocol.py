"""uvicorn's httptools protocol with the two guards it lacks: a header timeout and a cap
on header size.

uvicorn arms no timer until a request's headers are complete, and its keep-alive timer
is cancelled by any byte that arrives, so a client that connects and sends nothing, or a
header a byte every few seconds (slowloris), holds its connection, and a slot of
``max_connections``, for ever. And while ``h11_max_incomplete_event_size`` caps headers
for the h11 protocol, httptools collects headers of any size. Here, from the moment a
connection opens or a request's first byte arrives, its request line and headers must be
complete within ``header_timeout``; past it the connection is closed, nothing answered
(nginx's ``client_header_timeout`` does the same). Past ``max_header_bytes`` of request
line and headers, the answer is ``431`` and the connection is closed. A request's body
has no timer here: reading it is the application's, and a proxy's
``client_body_timeout`` bounds it (docs/deployment.md).
"""

from __future__ import annotations

import asyncio
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

STATUS_431 = b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
TOO_LARGE_BODY = b"request line and headers are too large"


class HeadersTooLarge(Exception):
    """Raised from a parser callback: the parser stops, ``data_received`` answers."""


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    header_timeout: float = 10.0
    max_header_bytes: int = 16_384

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        """uvicorn's, with one more outcome: headers over the cap."""
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        except httptools.HttpParserError as exc:
            if isinstance(exc.__context__, HeadersTooLarge):
                self._refuse_too_large()
                return
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._header_timer is None:  # the first byte of a kept-alive connection's next request
            self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)  # ": " and CRLF
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def _count(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > self.max_header_bytes:
            raise HeadersTooLarge

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._timed_out)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _timed_out(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()

    def _refuse_too_large(self) -> None:
        self._disarm()
        head = b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        length = b"content-length: " + str(len(TOO_LARGE_BODY)).encode() + b"\r\n\r\n"
        self.transport.write(STATUS_431 + head + length + TOO_LARGE_BODY)
        self.transport.close()


def guarded_protocol(header_timeout: float, max_header_bytes: int) -> type[GuardedHttpToolsProtocol]:
    """The protocol class uvicorn builds per connection, with the configured limits."""
    return type(
        "GuardedHttpTools",
        (GuardedHttpToolsProtocol,),
        {"header_timeout": header_timeout, "max_header_bytes": max_header_bytes},
    )
