"""One webhook request: POST the body, wait at most the timeout, read at most
``RESPONSE_CAP`` bytes of the answer for the log. No redirects are followed (a 3xx is a
failure: the endpoint's URL should be the final one), no proxy from the environment."""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass

import httpcore

from frontdesk.webhooks.addresses import GuardedBackend, Refused

# Enough of an error page to see what went wrong; a receiver that answers with
# megabytes cannot make the sender hold (or the log store) them.
RESPONSE_CAP = 64 * 1024
# Connections to receivers are kept for the next event: most endpoints get many.
KEEPALIVE_S = 30
MAX_CONNECTIONS = 100


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    response_body: str
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def storable(text: str) -> str:
    """PostgreSQL's text holds no NUL; a response may carry one."""
    return text.replace("\x00", "\ufffd")


class Sender:
    def __init__(self, *, allow_private: bool, timeout: float) -> None:
        self.timeout = timeout
        self.pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl.create_default_context(),
            network_backend=GuardedBackend(allow_private),
            max_connections=MAX_CONNECTIONS,
            keepalive_expiry=KEEPALIVE_S,
        )

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> Outcome:
        started = time.monotonic()
        status: int | None = None
        text, error = "", None
        try:
            async with asyncio.timeout(self.timeout):
                status, text = await self._post(url, headers, body)
        except TimeoutError:
            error = f"no answer within {self.timeout:g} s"
        except Refused as exc:
            error = str(exc)
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        took = round((time.monotonic() - started) * 1000)
        if status is not None and not 200 <= status < 300 and error is None:
            error = f"answered {status}"
        return Outcome(status, storable(text), storable(error)[:500] if error else None, took)

    async def _post(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        async with self.pool.stream("POST", url, headers=list(headers.items()), content=body) as response:
            read = bytearray()
            async for chunk in response.aiter_stream():
                read += chunk
                if len(read) >= RESPONSE_CAP:
                    break
            return response.status, bytes(read[:RESPONSE_CAP]).decode("utf-8", errors="replace")

    async def close(self) -> None:
        await self.pool.aclose()
