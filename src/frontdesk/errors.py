"""Domain errors. Transports turn them into HTTP statuses or error frames; their
messages are written for the person who sent the request."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(DomainError):
    code = "invalid"


class NotFound(DomainError):
    """Also raised for objects of another workspace or visitor: never reveal they exist."""

    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthorized(DomainError):
    code = "unauthorized"


class Conflict(DomainError):
    code = "conflict"
