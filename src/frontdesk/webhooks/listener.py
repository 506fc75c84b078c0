"""The webhooks' durable listener: turns outbox events into deliveries.

Called by the outbox dispatcher inside its write transaction, with events in commit
order, so a delivery row exists exactly when its event was committed, and is never made
twice for one event and endpoint even if the dispatcher hands an event over again. It
sends nothing: the delivery loop (webhooks/delivery.py) does, after this commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.webhooks.models import WebhookDelivery, WebhookEndpoint
from frontdesk.webhooks.payloads import SUBSCRIBABLE, body


class OutboxRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def workspace_id(self) -> str: ...
    @property
    def conversation_id(self) -> str | None: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def created_at(self) -> datetime: ...


async def fan_out(session: AsyncSession, events: Sequence[OutboxRow]) -> None:
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
    already = select(WebhookDelivery.event_id, WebhookDelivery.endpoint_id).where(
        WebhookDelivery.event_id.in_([event.id for event in wanted])
    )
    made = {(event_id, endpoint_id) for event_id, endpoint_id in await session.execute(already)}
    for event in wanted:
        text = body(event.name, event.created_at, event.data)
        for endpoint in endpoints[event.workspace_id]:
            if event.name in endpoint.events and (event.id, endpoint.id) not in made:
                session.add(
                    WebhookDelivery(
                        endpoint_id=endpoint.id,
                        workspace_id=event.workspace_id,
                        event_id=event.id,
                        event_type=event.name,
                        conversation_id=event.conversation_id,
                        body=text,
                    )
                )
