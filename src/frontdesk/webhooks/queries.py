"""Reads for the console and the REST API: a workspace's endpoints and their delivery log."""

from __future__ import annotations

from sqlalchemy import select

from frontdesk.actors import AgentActor, require_admin
from frontdesk.errors import NotFound
from frontdesk.storage.db import Database
from frontdesk.webhooks.actions import endpoint_of
from frontdesk.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


async def endpoints(db: Database, actor: AgentActor) -> list[WebhookEndpoint]:
    require_admin(actor, "see webhooks")
    async with db.reader() as session:
        query = select(WebhookEndpoint).where(WebhookEndpoint.workspace_id == actor.workspace_id)
        return list(await session.scalars(query.order_by(WebhookEndpoint.created_at)))


async def endpoint(db: Database, actor: AgentActor, endpoint_id: str) -> WebhookEndpoint:
    require_admin(actor, "see webhooks")
    async with db.reader() as session:
        return await endpoint_of(session, actor, endpoint_id)


async def deliveries(
    db: Database, actor: AgentActor, endpoint_id: str, *, status: str | None, limit: int, cursor: int | None
) -> tuple[list[WebhookDelivery], str | None]:
    """The endpoint's deliveries, newest first, a page at a time."""
    require_admin(actor, "see webhooks")
    async with db.reader() as session:
        found = await endpoint_of(session, actor, endpoint_id)
        query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == found.id)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        if cursor is not None:
            query = query.where(WebhookDelivery.seq < cursor)
        rows = list(await session.scalars(query.order_by(WebhookDelivery.seq.desc()).limit(limit + 1)))
    return rows[:limit], (str(rows[limit - 1].seq) if len(rows) > limit else None)


async def delivery(
    db: Database, actor: AgentActor, endpoint_id: str, delivery_id: str
) -> tuple[WebhookDelivery, list[WebhookAttempt]]:
    """One delivery and every attempt of it, oldest first."""
    require_admin(actor, "see webhooks")
    async with db.reader() as session:
        found = await endpoint_of(session, actor, endpoint_id)
        row = await session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == found.id)
        )
        if row is None:
            raise NotFound(f"no delivery {delivery_id} of this endpoint")
        attempts = await session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id == row.id).order_by(WebhookAttempt.number)
        )
        return row, list(attempts)
