"""Canned responses: the workspace's (admins manage them) and each agent's own."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor
from frontdesk.canned.models import CannedResponse
from frontdesk.context import Context
from frontdesk.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.storage.db import Database
from frontdesk.validation import check_text

_SHORTCUT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


@dataclass(frozen=True)
class CannedSpec:
    shortcut: str
    body: str
    shared: bool = True  # the whole workspace's; False: only mine


async def save_canned(
    ctx: Context, actor: AgentActor, spec: CannedSpec, canned_id: str | None = None
) -> CannedResponse:
    shortcut = spec.shortcut.strip().lstrip("/").lower()
    if not _SHORTCUT.match(shortcut):
        raise Invalid('"shortcut" must be 1-50 letters, digits, "-" or "_" (typed after "/")', field="shortcut")
    body = check_text("body", spec.body, max_chars=BODY_MAX_CHARS)
    if spec.shared and not actor.is_admin:
        raise Forbidden("only owners and admins may change the workspace's canned responses", field="shared")
    owner = None if spec.shared else actor.agent_id
    async with ctx.db.transaction() as session:
        taken = await session.scalar(
            select(CannedResponse).where(
                CannedResponse.workspace_id == actor.workspace_id,
                CannedResponse.shortcut == shortcut,
                CannedResponse.agent_id.is_(None) if owner is None else CannedResponse.agent_id == owner,
            )
        )
        if taken is not None and taken.id != canned_id:
            raise Conflict(f'"/{shortcut}" is already a canned response', field="shortcut")
        canned = (
            await _mine(session, actor, canned_id) if canned_id else CannedResponse(workspace_id=actor.workspace_id)
        )
        canned.shortcut, canned.body, canned.agent_id = shortcut, body, owner
        session.add(canned)
    return canned


async def delete_canned(ctx: Context, actor: AgentActor, canned_id: str) -> None:
    async with ctx.db.transaction() as session:
        await session.delete(await _mine(session, actor, canned_id))


async def _mine(session: AsyncSession, actor: AgentActor, canned_id: str) -> CannedResponse:
    canned = await session.scalar(
        select(CannedResponse).where(CannedResponse.id == canned_id, CannedResponse.workspace_id == actor.workspace_id)
    )
    if canned is None or (canned.agent_id is not None and canned.agent_id != actor.agent_id):
        raise NotFound(f"no canned response {canned_id}")
    if canned.agent_id is None and not actor.is_admin:
        raise Forbidden("only owners and admins may change the workspace's canned responses")
    return canned


async def list_canned(db: Database, actor: AgentActor, q: str | None) -> list[CannedResponse]:
    """The workspace's and the agent's own; ``q`` filters by shortcut prefix, then text."""
    query = select(CannedResponse).where(
        CannedResponse.workspace_id == actor.workspace_id,
        or_(CannedResponse.agent_id.is_(None), CannedResponse.agent_id == actor.agent_id),
    )
    if q:
        needle = q.strip().lstrip("/").lower()
        query = query.where(
            or_(  # "%" and "_" as typed, not LIKE's wildcards
                CannedResponse.shortcut.startswith(needle, autoescape=True),
                CannedResponse.body.icontains(needle, autoescape=True),
            )
        )
    async with db.reader() as session:
        rows = list(await session.scalars(query.order_by(CannedResponse.shortcut)))
    return rows
