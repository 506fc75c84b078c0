"""The webhooks' durable listener: turns outbox events into deliveries.

Called by the outbox dispatcher inside the write transaction that also deletes the
events' outbox rows, with events in commit order per conversation: a delivery row exists
exactly when its event was committed and handed over, once (the hand-over and these rows
commit together or not at all). The rows are made in the events' order, which their
``seq`` keeps. It sends nothing: the delivery loop (webhooks/delivery.py) does, after
this commits. (Outbox ids are not kept: on SQLite they are used again once the outbox is
empty, so they say nothing about the order of events handed over at different times.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.outbox.dispatch import OutboxEvent
from frontdesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from frontdesk.webhooks.payloads import SUBSCRIBABLE, body


class WebhookListener:
    """The durable listener (outbox/dispatch.py) registered in ``app.DURABLE_LISTENERS``."""

    async def wants(self, session: AsyncSession, workspace_ids: set[str]) -> set[tuple[str, str]]:
        """The events the enabled endpoints of these workspaces asked for."""
        query = select(WebhookEndpoint.workspace_id, WebhookEndpoint.events).where(
            WebhookEndpoint.workspace_id.in_(workspace_ids), WebhookEndpoint.enabled
        )
        return {(workspace_id, name) for workspace_id, names in await session.execute(query) for name in names}

    async def handle(self, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
        await fan_out(session, events)


async def fan_out(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    """One delivery per event for every enabled endpoint of its workspace that asked for it."""
    wanted = [event for event in events if event.name in SUBSCRIBABLE]
    if not wanted:
        return
    endpoints: dict[str, list[WebhookEndpoint]] = defaultdict(list)
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.workspace_id.in_({event.workspace_id for event in wanted}), WebhookEndpoint.enabled
    )
    for endpoint in await session.scalars(query):
        endpoints[endpoint.workspace_id].append(endpoint)
    if not endpoints:
        return
    for event in wanted:
        text = body(event.name, event.created_at, event.data)
        for endpoint in endpoints[event.workspace_id]:
            if event.name in endpoint.events:
                session.add(
                    WebhookDelivery(
                        endpoint_id=endpoint.id,
                        workspace_id=event.workspace_id,
                        event_type=event.name,
                        conversation_id=event.conversation_id,
                        body=text,
                    )
                )
