"""Client frames of protocol version 1 (docs/protocol.md), parsed and validated.

A frame that fails here never reaches an action: the client gets an error frame that
names what was wrong, and the socket goes on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from frontdesk.errors import DomainError, Invalid
from frontdesk.inputs import INT_MAX, refuse_unstorable

PROTOCOL_VERSION = 1
# A console tracks the conversations it has shown since it loaded; a long day of a busy
# agent stays under this. Each cursor costs two indexed queries on reconnect.
MAX_CURSORS = 1000


class FrameError(DomainError):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        ref: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.code = code
        self.ref = ref
        self.retry_after = retry_after  # seconds, when the frame was refused by a rate limit


# Conversation id -> the last seq the client has.
Cursors = dict[Annotated[str, Field(max_length=64)], Annotated[int, Field(ge=0, le=INT_MAX)]]


class _Frame(BaseModel):
    model_config = ConfigDict(extra="ignore")  # additive protocol changes: ignore what we do not know
    ref: str | None = Field(default=None, max_length=100)


class Hello(_Frame):
    type: Literal["hello"]
    protocol: int = Field(default=PROTOCOL_VERSION, ge=0, le=INT_MAX)
    token: str | None = Field(default=None, max_length=2000)
    cursors: Cursors = Field(default_factory=dict, max_length=MAX_CURSORS)


class Resume(_Frame):
    type: Literal["resume"]
    cursors: Cursors = Field(max_length=MAX_CURSORS)


class Send(_Frame):
    type: Literal["send"]
    client_ref: str = Field(min_length=8, max_length=64)
    body: str
    conversation_id: str | None = Field(default=None, max_length=64)
    private: bool = False
    attachment_ids: list[str] = Field(default_factory=list, max_length=10)


class TypingFrame(_Frame):
    type: Literal["typing"]
    conversation_id: str = Field(max_length=64)
    state: Literal["start", "stop"]


class Read(_Frame):
    type: Literal["read"]
    conversation_id: str = Field(max_length=64)
    seq: int = Field(ge=0, le=INT_MAX)


class Ping(_Frame):
    type: Literal["ping"]


ClientFrame = Hello | Resume | Send | TypingFrame | Read | Ping
_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(model)
    for name, model in {
        "hello": Hello,
        "resume": Resume,
        "send": Send,
        "typing": TypingFrame,
        "read": Read,
        "ping": Ping,
    }.items()
}


def parse(raw: str | bytes) -> ClientFrame:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise FrameError("bad_frame", "the frame is not valid JSON") from None
    if not isinstance(data, dict):
        raise FrameError("bad_frame", f"a frame must be a JSON object, got {type(data).__name__}")
    ref = data.get("ref") if isinstance(data.get("ref"), str) else None
    kind = data.get("type")
    adapter = _ADAPTERS.get(kind) if isinstance(kind, str) else None
    if adapter is None:
        known = ", ".join(_ADAPTERS)
        raise FrameError("unknown_type", f'"type" must be one of {known}; got {kind!r}', field="type", ref=ref)
    try:
        refuse_unstorable(data)  # a NUL reaches no database, from any frame (inputs.py)
    except Invalid as exc:
        raise FrameError("invalid", exc.message, field=exc.field, ref=ref) from None
    try:
        frame: ClientFrame = adapter.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise FrameError("invalid", f'"{field}": {first["msg"]}', field=field, ref=ref) from None
    return frame


def encode(frame: dict[str, Any]) -> bytes:
    return orjson.dumps(frame)
