"""Refuses request bodies over a limit before reading them into memory."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdesk.http.errors import error_response

# The largest legitimate JSON body is a 10,000-character message with metadata; a MiB
# leaves room for later bulk calls while keeping a flood of huge bodies cheap to refuse.
MAX_BODY_BYTES = 1024 * 1024


# Uploads are checked against the website's own limit once read; this only stops abuse.
MAX_UPLOAD_BYTES = 55 * 1024 * 1024
UPLOAD_PATHS = ("/api/v1/attachments", "/api/v1/widget/attachments")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD_BYTES if scope["path"] in UPLOAD_PATHS else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        message = f"the request body is over {limit} bytes"
        await error_response(413, "too_large", message)(scope, receive, send)


class _TooLarge(Exception):
    pass
