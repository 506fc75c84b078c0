"""Owners and admins manage a workspace's webhook endpoints: add, change, turn on and
off, delete, rotate the signing secret, send a test event, send a delivery again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor, require_admin
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.validation import check_text
from frontdesk.webhooks.addresses import check_destination
from frontdesk.webhooks.models import DeliveryStatus, DisabledReason, WebhookDelivery, WebhookEndpoint
from frontdesk.webhooks.payloads import SUBSCRIBABLE, TEST_EVENT, WebhookTest, body
from frontdesk.webhooks.signing import new_secret

# After a rotation both secrets sign for a day: time to deploy the new one to every
# receiver without a failed verification in between (Svix keeps the old one 24 h too).
ROTATION_OVERLAP = timedelta(hours=24)
MAX_URL_CHARS = 2000
MAX_DESCRIPTION_CHARS = 500
UNCHANGED: Any = object()


@dataclass(frozen=True)
class EndpointSpec:
    url: Any = UNCHANGED
    events: Any = UNCHANGED
    description: Any = UNCHANGED
    enabled: Any = UNCHANGED


def check_events(names: list[str]) -> list[str]:
    if not names:
        raise Invalid('"events" must name at least one event', field="events")
    for i, name in enumerate(names):
        if name not in SUBSCRIBABLE:
            raise Invalid(f'"events.{i}" must be one of {", ".join(SUBSCRIBABLE)}; got {name!r}', field=f"events.{i}")
    return list(dict.fromkeys(names))


async def checked_url(ctx: Context, spec: EndpointSpec) -> str | None:
    """The new URL, checked (resolved before any transaction: no lock waits for DNS)."""
    if spec.url is UNCHANGED:
        return None
    url = check_text("url", spec.url, max_chars=MAX_URL_CHARS)
    await check_destination(url, ctx.settings.webhooks_allow_private)
    return url


def _apply(endpoint: WebhookEndpoint, spec: EndpointSpec, url: str | None) -> None:
    if url is not None:
        endpoint.url = url
    if spec.events is not UNCHANGED:
        endpoint.events = check_events(spec.events)
    if spec.description is not UNCHANGED:
        endpoint.description = check_text("description", spec.description, max_chars=MAX_DESCRIPTION_CHARS, min_chars=0)
    if spec.enabled is not UNCHANGED and spec.enabled != endpoint.enabled:
        endpoint.enabled = spec.enabled
        # Turned back on: the failure clock starts afresh. Turned off by hand: say so.
        endpoint.disabled_reason = None if spec.enabled else DisabledReason.MANUAL
        endpoint.disabled_at = None if spec.enabled else utcnow()
        endpoint.failing_since = None
    endpoint.updated_at = utcnow()


async def create_endpoint(ctx: Context, actor: AgentActor, spec: EndpointSpec) -> WebhookEndpoint:
    """A new endpoint with a new signing secret; enabled unless the spec says not."""
    require_admin(actor, "manage webhooks")
    for name in ("url", "events"):
        if getattr(spec, name) is UNCHANGED:
            raise Invalid(f'"{name}" is required', field=name)
    url = await checked_url(ctx, spec)
    endpoint = WebhookEndpoint(workspace_id=actor.workspace_id, secret=new_secret(), enabled=True, description="")
    _apply(endpoint, spec, url)
    async with ctx.db.transaction() as session:
        session.add(endpoint)
    return endpoint


async def update_endpoint(ctx: Context, actor: AgentActor, endpoint_id: str, spec: EndpointSpec) -> WebhookEndpoint:
    require_admin(actor, "manage webhooks")
    url = await checked_url(ctx, spec)
    async with ctx.db.transaction() as session:
        endpoint = await endpoint_of(session, actor, endpoint_id)
        _apply(endpoint, spec, url)
    return endpoint


async def delete_endpoint(ctx: Context, actor: AgentActor, endpoint_id: str) -> None:
    """The endpoint, its pending deliveries and its log go."""
    require_admin(actor, "manage webhooks")
    async with ctx.db.transaction() as session:
        await session.delete(await endpoint_of(session, actor, endpoint_id))


async def rotate_secret(ctx: Context, actor: AgentActor, endpoint_id: str) -> WebhookEndpoint:
    """A new secret at once; the old one also signs for ``ROTATION_OVERLAP``."""
    require_admin(actor, "manage webhooks")
    async with ctx.db.transaction() as session:
        endpoint = await endpoint_of(session, actor, endpoint_id)
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = utcnow() + ROTATION_OVERLAP
        endpoint.secret = new_secret()
        endpoint.updated_at = utcnow()
    return endpoint


async def send_test(ctx: Context, actor: AgentActor, endpoint_id: str) -> WebhookDelivery:
    """A ``webhook.test`` delivery, sent at once like any other (and logged)."""
    require_admin(actor, "manage webhooks")
    async with ctx.db.transaction() as session:
        endpoint = await endpoint_of(session, actor, endpoint_id)
        if not endpoint.enabled:
            raise Conflict("the endpoint is turned off; turn it on to send it anything")
        data = WebhookTest(endpoint_id=endpoint.id, message=f"A test event from Frontdesk, sent by {actor.name}.")
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id,
            workspace_id=actor.workspace_id,
            event_type=TEST_EVENT,
            body=body(TEST_EVENT, utcnow(), data.model_dump(mode="json")),
        )
        session.add(delivery)
    return delivery


async def send_again(ctx: Context, actor: AgentActor, endpoint_id: str, delivery_id: str) -> WebhookDelivery:
    """A new attempt of the same delivery (same ``webhook-id``), now. A pending one just
    goes sooner; a delivered or failed one gets one attempt, not another schedule."""
    require_admin(actor, "manage webhooks")
    async with ctx.db.transaction() as session:
        endpoint = await endpoint_of(session, actor, endpoint_id)
        if not endpoint.enabled:
            raise Conflict("the endpoint is turned off; turn it on to send it anything")
        delivery = await session.scalar(
            select(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint.id)
        )
        if delivery is None:
            raise NotFound(f"no delivery {delivery_id} of this endpoint")
        if delivery.status != DeliveryStatus.PENDING:
            delivery.status = DeliveryStatus.PENDING
            delivery.manual = True
        delivery.next_attempt_at = utcnow()
    return delivery


async def endpoint_of(session: AsyncSession, actor: AgentActor, endpoint_id: str) -> WebhookEndpoint:
    endpoint = await session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.workspace_id == actor.workspace_id
        )
    )
    if endpoint is None:
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint
