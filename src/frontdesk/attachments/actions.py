"""Uploading files. A file is checked (size, declared and actual type), stored under a
random id and only later bound to the message that names it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import Actor, AgentActor
from frontdesk.attachments.models import Attachment
from frontdesk.context import Context
from frontdesk.errors import Forbidden, Invalid
from frontdesk.settings import Settings
from frontdesk.websites.settings import DEFAULT_ATTACHMENT_TYPES, AttachmentRules

# Agents may send what visitors may, plus office documents and archives.
AGENT_TYPES = [*DEFAULT_ATTACHMENT_TYPES, "application/zip", "text/csv"]
AGENT_MAX_BYTES = 25 * 1024 * 1024
MB = 1024 * 1024

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


# What each accepted type's file may be called: a name that says .html for a PNG would be
# opened as a page by a careless download, so the name must agree with the checked type.
_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg", "jfif"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
    "application/zip": ("zip",),
    "text/plain": ("txt", "text", "log", "md"),
    "text/csv": ("csv",),
}


def safe_name(name: str) -> str:
    """A file name safe for any file system and header: no paths, no control characters,
    and no invisible ones (a right-to-left override makes "invoice_fdp.exe" look like
    "invoice_exe.pdf"; zero-width and other format characters hide what a name says)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"))
    name = re.sub(r"[\"<>|:*?]", "_", name).strip(" .")
    return name[:200] or "file"


def named_for(name: str, content_type: str) -> str:
    """``name`` if its extension agrees with ``content_type``; a name without one gets the
    type's; a name claiming another type is refused."""
    allowed = _EXTENSIONS.get(content_type)
    if allowed is None:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return f"{name}.{allowed[0]}"
    if extension.lower() not in allowed:
        raise Invalid(
            f'"file" is {content_type}, but its name ends in .{extension}; expected .{", .".join(allowed)}',
            field="file",
        )
    return name


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
        name=named_for(safe_name(upload.name), content_type),
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )
    async with ctx.db.transaction() as session:
        await _within_quotas(session, ctx.settings, attachment)
        session.add(attachment)
        await session.flush()
        path = storage_path(ctx.settings.var_dir, attachment.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)  # before commit: a committed row always has its file
    return attachment


async def _within_quotas(session: AsyncSession, settings: Settings, new: Attachment) -> None:
    """Disk is finite: a visitor stores at most ``upload_quota_visitor_mb`` and a
    workspace ``upload_quota_workspace_mb`` (agents' files count for their workspace)."""
    used = select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.workspace_id == new.workspace_id)
    if new.uploader_type == "visitor":
        mine = await session.scalar(used.where(Attachment.uploader_id == new.uploader_id))
        if int(mine or 0) + new.size > settings.upload_quota_visitor_mb * MB:
            raise Forbidden(
                f"you have sent {settings.upload_quota_visitor_mb} MB of files, the most one visitor may", field="file"
            )
    total = await session.scalar(used)
    if int(total or 0) + new.size > settings.upload_quota_workspace_mb * MB:
        raise Forbidden(
            f"this workspace's files have reached their quota of {settings.upload_quota_workspace_mb} MB; "
            "an administrator can raise FRONTDESK_UPLOAD_QUOTA_WORKSPACE_MB",
            field="file",
        )
