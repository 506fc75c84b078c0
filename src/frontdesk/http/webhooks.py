"""Webhook endpoints and their delivery log (owners and admins; docs/webhooks.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from frontdesk.clock import isoformat
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body
from frontdesk.inputs import SPACE
from frontdesk.webhooks import actions, queries
from frontdesk.webhooks.actions import MAX_DESCRIPTION_CHARS, MAX_URL_CHARS, UNCHANGED, EndpointSpec
from frontdesk.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from frontdesk.webhooks.payloads import DESCRIPTIONS, SUBSCRIBABLE

router = APIRouter(tags=["webhooks"])

URL = rf"^https?://[^{SPACE}\x00]+$"
EventName = Annotated[str, Field(max_length=64, json_schema_extra={"enum": list(SUBSCRIBABLE)})]


def _time(value: datetime | None) -> str | None:
    return isoformat(value) if value is not None else None


class WebhookOut(BaseModel):
    id: str
    url: str
    description: str
    events: list[str]
    enabled: bool
    disabled_reason: Literal["manual", "failing"] | None = Field(
        description='"failing": turned off by the server after every attempt failed for days'
    )
    disabled_at: str | None
    failing_since: str | None = Field(description="the first failed attempt since the last success")
    previous_secret_expires_at: str | None = Field(description="after a rotation, when the old secret stops signing")
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, endpoint: WebhookEndpoint) -> WebhookOut:
        return cls(
            id=endpoint.id,
            url=endpoint.url,
            description=endpoint.description,
            events=endpoint.events,
            enabled=endpoint.enabled,
            disabled_reason=endpoint.disabled_reason,
            disabled_at=_time(endpoint.disabled_at),
            failing_since=_time(endpoint.failing_since),
            previous_secret_expires_at=_time(endpoint.previous_secret_expires_at),
            created_at=isoformat(endpoint.created_at),
            updated_at=isoformat(endpoint.updated_at),
        )


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="The signing secret (whsec_...); also at GET /webhooks/{id}/secret.")


class WebhookList(BaseModel):
    items: list[WebhookOut]


class SecretOut(BaseModel):
    secret: str = Field(description="verify signatures with it (Standard Webhooks)")
    previous_secret_expires_at: str | None


class WebhookIn(Body):
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS, pattern=URL, description="required to create")
    events: list[EventName] | None = Field(
        default=None, min_length=1, max_length=len(SUBSCRIBABLE), description="required to create"
    )
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION_CHARS)
    enabled: bool | None = None

    def spec(self) -> EndpointSpec:
        given = {name: getattr(self, name) for name in self.model_fields_set if getattr(self, name) is not None}
        return EndpointSpec(
            **{name: given.get(name, UNCHANGED) for name in ("url", "events", "description", "enabled")}
        )


class DeliveryOut(BaseModel):
    id: str = Field(description="the webhook-id header: the same on every attempt")
    event_type: str
    conversation_id: str | None
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    created_at: str
    next_attempt_at: str | None = Field(description="when pending: the next attempt")
    last_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: str | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryOut:
        return cls(
            id=delivery.id,
            event_type=delivery.event_type,
            conversation_id=delivery.conversation_id,
            status=delivery.status,
            attempts=delivery.attempts,
            created_at=isoformat(delivery.created_at),
            next_attempt_at=_time(delivery.next_attempt_at) if delivery.status == "pending" else None,
            last_attempt_at=_time(delivery.last_attempt_at),
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            delivered_at=_time(delivery.delivered_at),
        )


class DeliveryPage(BaseModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class AttemptOut(BaseModel):
    number: int
    started_at: str
    duration_ms: int
    request_headers: dict[str, str]
    status_code: int | None
    response_body: str = Field(description="at most the first 64 KiB of the answer")
    error: str | None

    @classmethod
    def of(cls, attempt: WebhookAttempt) -> AttemptOut:
        return cls(
            number=attempt.number,
            started_at=isoformat(attempt.started_at),
            duration_ms=attempt.duration_ms,
            request_headers=attempt.request_headers,
            status_code=attempt.status_code,
            response_body=attempt.response_body,
            error=attempt.error,
        )


class DeliveryDetail(DeliveryOut):
    body: str = Field(description="the request body, exactly as sent")
    attempt_log: list[AttemptOut]


class EventInfo(BaseModel):
    name: str
    description: str


class EventList(BaseModel):
    items: list[EventInfo]


@router.get("/webhook-events")
async def webhook_events(actor: CurrentAgent) -> EventList:
    """The events an endpoint may ask for (their payloads: docs/webhooks.md)."""
    return EventList(items=[EventInfo(name=name, description=DESCRIPTIONS[name]) for name in SUBSCRIBABLE])


@router.get("/webhooks")
async def list_webhooks(actor: CurrentAgent, ctx: Ctx) -> WebhookList:
    return WebhookList(items=[WebhookOut.of(e) for e in await queries.endpoints(ctx.db, actor)])


@router.post("/webhooks", status_code=201)
async def create_webhook(body: WebhookIn, actor: CurrentAgent, ctx: Ctx) -> NewWebhookOut:
    endpoint = await actions.create_endpoint(ctx, actor, body.spec())
    return NewWebhookOut(**WebhookOut.of(endpoint).model_dump(), secret=endpoint.secret)


@router.get("/webhooks/{webhook_id}")
async def get_webhook(webhook_id: str, actor: CurrentAgent, ctx: Ctx) -> WebhookOut:
    return WebhookOut.of(await queries.endpoint(ctx.db, actor, webhook_id))


@router.patch("/webhooks/{webhook_id}")
async def update_webhook(webhook_id: str, body: WebhookIn, actor: CurrentAgent, ctx: Ctx) -> WebhookOut:
    """Change any of url, events, description, enabled; turning it on again restarts the failure clock."""
    return WebhookOut.of(await actions.update_endpoint(ctx, actor, webhook_id, body.spec()))


@router.delete("/webhooks/{webhook_id}", status_code=204)
async def delete_webhook(webhook_id: str, actor: CurrentAgent, ctx: Ctx) -> None:
    await actions.delete_endpoint(ctx, actor, webhook_id)


@router.get("/webhooks/{webhook_id}/secret")
async def webhook_secret(webhook_id: str, actor: CurrentAgent, ctx: Ctx) -> SecretOut:
    endpoint = await queries.endpoint(ctx.db, actor, webhook_id)
    return SecretOut(secret=endpoint.secret, previous_secret_expires_at=_time(endpoint.previous_secret_expires_at))


@router.post("/webhooks/{webhook_id}/rotate-secret")
async def rotate_webhook_secret(webhook_id: str, actor: CurrentAgent, ctx: Ctx) -> SecretOut:
    """A new secret; for 24 hours the old one signs too (two v1 signatures per request)."""
    endpoint = await actions.rotate_secret(ctx, actor, webhook_id)
    return SecretOut(secret=endpoint.secret, previous_secret_expires_at=_time(endpoint.previous_secret_expires_at))


@router.post("/webhooks/{webhook_id}/test", status_code=202)
async def test_webhook(webhook_id: str, actor: CurrentAgent, ctx: Ctx) -> DeliveryOut:
    """Sends a webhook.test event now; 409 when the endpoint is turned off."""
    return DeliveryOut.of(await actions.send_test(ctx, actor, webhook_id))


@router.get("/webhooks/{webhook_id}/deliveries")
async def webhook_deliveries(
    webhook_id: str,
    actor: CurrentAgent,
    ctx: Ctx,
    status: Literal["pending", "delivered", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[
        str | None, Query(max_length=18, pattern=r"^[0-9]{1,18}$", description="the page before's next_cursor")
    ] = None,
) -> DeliveryPage:
    after = int(cursor) if cursor is not None else None
    rows, next_cursor = await queries.deliveries(ctx.db, actor, webhook_id, status=status, limit=limit, cursor=after)
    return DeliveryPage(items=[DeliveryOut.of(d) for d in rows], next_cursor=next_cursor)


@router.get("/webhooks/{webhook_id}/deliveries/{delivery_id}")
async def webhook_delivery(webhook_id: str, delivery_id: str, actor: CurrentAgent, ctx: Ctx) -> DeliveryDetail:
    delivery, attempts = await queries.delivery(ctx.db, actor, webhook_id, delivery_id)
    return DeliveryDetail(
        **DeliveryOut.of(delivery).model_dump(), body=delivery.body, attempt_log=[AttemptOut.of(a) for a in attempts]
    )


@router.post("/webhooks/{webhook_id}/deliveries/{delivery_id}/resend", status_code=202)
async def resend_delivery(webhook_id: str, delivery_id: str, actor: CurrentAgent, ctx: Ctx) -> DeliveryOut:
    """A new attempt of the same delivery, same webhook-id, now; 409 when the endpoint is turned off."""
    return DeliveryOut.of(await actions.send_again(ctx, actor, webhook_id, delivery_id))
