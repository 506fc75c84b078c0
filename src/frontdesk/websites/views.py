from __future__ import annotations

from typing import Any, Protocol

from frontdesk.events import WebsiteData
from frontdesk.websites.settings import effective


class WebsiteLike(Protocol):
    """A website as a row of its own (``models.Website``) or as a quick read has it
    (``queries.WebsiteRow``)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def settings(self) -> dict[str, Any]: ...


def website_data(website: WebsiteLike, mail: bool) -> WebsiteData:
    """What a widget may know: never the identity secret. ``mail``: whether this server
    sends email; without it the widget offers no transcript and promises no email reply
    (``email_available``)."""
    settings = effective(website.settings).model_dump()
    settings["transcript_enabled"] = settings["transcript_enabled"] and mail
    settings["email_available"] = mail
    return WebsiteData(id=website.id, name=website.name, settings=settings)
