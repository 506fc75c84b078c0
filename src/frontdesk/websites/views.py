from __future__ import annotations

from frontdesk.events import WebsiteData
from frontdesk.websites.models import Website
from frontdesk.websites.settings import effective


def website_data(website: Website) -> WebsiteData:
    """What a widget may know: never the identity secret."""
    return WebsiteData(id=website.id, name=website.name, settings=effective(website.settings).model_dump())
