from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import JSONResponse

from frontdesk import __version__
from frontdesk.http.deps import Ctx

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok", "version": __version__}


@router.get("/readyz", response_model=None, responses={503: {"description": "The database does not answer."}})
async def readyz(ctx: Ctx) -> JSONResponse:
    """The process can do its work: the database answers."""
    try:
        await ctx.db.ping()
    except Exception as exc:  # any failure means "not ready"; say which
        body = {"status": "unavailable", "database": f"error: {type(exc).__name__}"}
        return JSONResponse(body, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok"})
