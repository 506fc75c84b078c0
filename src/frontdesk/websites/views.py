from __future__ import annotations

from frontdesk.events import WebsiteData
from frontdesk.websites.models import Website
from frontdesk.websites.settings import effective


def website_data(website: Website, mail: bool) -> WebsiteData:
    """What a widget may know: never the identity secret. ``mail``: whether this server
    sends email; without it the widget offers no transcript and promises no email reply
    (``email_available``)."""
    settings = effective(website.settings).model_dump()
    settings["transcript_enabled"] = settings["transcript_enabled"] and mail
    settings["email_available"] = mail
    return WebsiteData(id=website.id, name=website.name, settings=settings)
