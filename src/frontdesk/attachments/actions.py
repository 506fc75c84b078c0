"""Uploading files. A file is checked (size, declared and actual type), stored under a
random id and only later bound to the message that names it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from frontdesk.actors import Actor, AgentActor
from frontdesk.attachments.models import Attachment
from frontdesk.context import Context
from frontdesk.errors import Forbidden, Invalid
from frontdesk.websites.settings import DEFAULT_ATTACHMENT_TYPES, AttachmentRules

# Agents may send what visitors may, plus office documents and archives.
AGENT_TYPES = [*DEFAULT_ATTACHMENT_TYPES, "application/zip", "text/csv"]
AGENT_MAX_BYTES = 25 * 1024 * 1024

# Magic numbers of the types we accept: the declared type must match the content, so a
# script cannot be uploaded as an "image".
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
    "application/zip": (b"PK\x03\x04",),
}
_TEXT_TYPES = {"text/plain", "text/csv"}


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    data: bytes


def storage_path(var_dir: Path, attachment_id: str) -> Path:
    return var_dir / "attachments" / attachment_id[:2] / attachment_id


def safe_name(name: str) -> str:
    """A file name safe for any file system and header: no paths, no control characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?]", "_", name).strip(" .")
    return name[:200] or "file"


def check_content(upload: Upload, allowed: list[str], max_bytes: int) -> str:
    content_type = upload.content_type.split(";")[0].strip().lower()
    if len(upload.data) == 0:
        raise Invalid('"file" is empty', field="file")
    if len(upload.data) > max_bytes:
        raise Invalid(f'"file" must be at most {max_bytes} bytes, got {len(upload.data)}', field="file")
    if content_type not in allowed:
        raise Invalid(f'"file" must be one of {", ".join(allowed)}; got {content_type}', field="file")
    if content_type in _TEXT_TYPES:
        try:
            upload.data.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(f'"file" is not {content_type} (not UTF-8 text)', field="file") from None
    elif not upload.data.startswith(_SIGNATURES.get(content_type, (b"",))):
        raise Invalid(f'"file" content is not {content_type}', field="file")
    return content_type


async def upload_attachment(ctx: Context, actor: Actor, upload: Upload, rules: AttachmentRules | None) -> Attachment:
    """``rules`` are the website's for visitors; agents use the wider agent rules."""
    if isinstance(actor, AgentActor):
        content_type = check_content(upload, AGENT_TYPES, AGENT_MAX_BYTES)
        uploader = ("agent", actor.agent_id)
    else:
        if rules is None or not rules.enabled:
            raise Forbidden("this website does not accept files", field="file")
        content_type = check_content(upload, rules.types, rules.max_bytes)
        uploader = ("visitor", actor.contact_id)
    attachment = Attachment(
        workspace_id=actor.workspace_id,
        uploader_type=uploader[0],
        uploader_id=uploader[1],
        name=safe_name(upload.name),
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )
    async with ctx.db.transaction() as session:
        session.add(attachment)
        await session.flush()
        path = storage_path(ctx.settings.var_dir, attachment.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)  # before commit: a committed row always has its file
    return attachment
