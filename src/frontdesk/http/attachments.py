from __future__ import annotations

from fastapi import APIRouter, UploadFile
from starlette.responses import FileResponse

from frontdesk.attachments.actions import AGENT_MAX_BYTES, Upload, storage_path, upload_attachment
from frontdesk.attachments.queries import get_attachment
from frontdesk.attachments.views import attachment_data
from frontdesk.errors import NotFound
from frontdesk.events import AttachmentData
from frontdesk.http.deps import Ctx, CurrentAgent

router = APIRouter(tags=["attachments"])

# A file is shown as itself only when it is an image; anything else downloads, and no
# file can run script in our origin (sandbox), whatever its content.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@router.post("/attachments", status_code=201)
async def upload(file: UploadFile, actor: CurrentAgent, ctx: Ctx) -> AttachmentData:
    data = await file.read(AGENT_MAX_BYTES + 1)
    upload = Upload(name=file.filename or "file", content_type=file.content_type or "", data=data)
    stored = await upload_attachment(ctx, actor, upload, None)
    return attachment_data(
        {"id": stored.id, "name": stored.name, "content_type": stored.content_type, "size": stored.size}
    )


@router.get("/attachments/{attachment_id}/{name}", response_class=FileResponse)
async def download(attachment_id: str, name: str, ctx: Ctx) -> FileResponse:
    """The URL is the capability (128 random bits in the id): no header needed, so it
    works in ``<img src>`` on a customer's site."""
    found = await get_attachment(ctx.db, attachment_id)
    path = storage_path(ctx.settings.var_dir, attachment_id)
    if found is None or found.message_id is None or not path.exists():
        raise NotFound(f"no attachment {attachment_id}")
    image = found.content_type.startswith("image/")
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": FILE_CSP,
        "Cache-Control": "private, max-age=31536000, immutable",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    return FileResponse(
        path,
        media_type=found.content_type,
        filename=found.name,
        headers=headers,
        content_disposition_type="inline" if image else "attachment",
    )
