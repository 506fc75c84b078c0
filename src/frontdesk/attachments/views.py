from __future__ import annotations

from typing import Any
from urllib.parse import quote

from frontdesk.events import AttachmentData


def attachment_url(attachment_id: str, name: str) -> str:
    """The id is 128 random bits: knowing the URL is the permission to read the file,
    which is what lets it work in an ``<img src>`` on a customer's site."""
    return f"/api/v1/attachments/{attachment_id}/{quote(name)}"


def attachment_data(snapshot: dict[str, Any]) -> AttachmentData:
    content_type = str(snapshot["content_type"])
    return AttachmentData(
        id=snapshot["id"],
        name=snapshot["name"],
        content_type=content_type,
        size=int(snapshot["size"]),
        url=attachment_url(snapshot["id"], snapshot["name"]),
        image=content_type.startswith("image/"),
    )
