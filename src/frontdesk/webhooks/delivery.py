"""The delivery loop: sends due deliveries, retries failures on a schedule, keeps each
conversation's events in order per endpoint, and turns off endpoints that only fail.

At least once: a delivery is claimed (``claimed_until``) in one transaction, sent, and
its outcome written in another. A sender killed between the two leaves the claim to
expire, and the delivery is sent again with the same ``webhook-id``, for the receiver to
recognise. Two senders (nodes, ``frontdesk worker``) never hold one delivery at once.

In order: a delivery is not claimed while an earlier event of the same conversation is
still pending for the same endpoint; other conversations and endpoints go on in
parallel. A receiver that is down holds up its own events only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from frontdesk import __version__
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.webhooks import notices
from frontdesk.webhooks.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from frontdesk.webhooks.sender import Outcome, Sender
from frontdesk.webhooks.signing import signature_header

log = logging.getLogger(__name__)

# A new delivery waits at most this long for an idle loop (the listener's commit does
# not reach the loop of another process): events reach receivers within a second or two.
POLL_S = 1.0
# Requests in flight per process, and per endpoint: a receiver that hangs until the
# timeout takes at most its share of the slots while the others' events go on.
MAX_IN_FLIGHT = 50
PER_ENDPOINT = 10
# A claim outlives the request's timeout by this much, the time to write the outcome
# (on SQLite it may wait its turn for the writer); then another sender may take it.
CLAIM_MARGIN_S = 10
# Each retry's wait varies by this fraction either way, so that the deliveries that
# failed together while a receiver was down do not all come back in the same second.
JITTER = 0.2
USER_AGENT = f"Frontdesk-Webhooks/{__version__}"


@dataclass(frozen=True)
class Claimed:
    id: str
    endpoint_id: str
    url: str
    secrets: tuple[str, ...]
    body: str


def secrets_in_force(endpoint: WebhookEndpoint, now: datetime) -> tuple[str, ...]:
    """The secret, and after a rotation the previous one until its overlap ends."""
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        return (endpoint.secret, endpoint.previous_secret)
    return (endpoint.secret,)


def request_headers(claimed: Claimed, timestamp: int) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": claimed.id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(claimed.secrets, claimed.id, timestamp, claimed.body),
    }


def retry_delay(schedule: list[float], attempts: int) -> timedelta | None:
    """The wait after the ``attempts``-th failed attempt; None when the schedule is spent."""
    if attempts > len(schedule):
        return None
    return timedelta(seconds=schedule[attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER))  # noqa: S311 - jitter, not a secret


class DeliveryLoop:
    def __init__(self, ctx: Context, sender: Sender | None = None) -> None:
        self.ctx = ctx
        settings = ctx.settings
        self.sender = sender or Sender(
            allow_private=settings.webhooks_allow_private, timeout=settings.webhooks_timeout_seconds
        )
        self.claim_for = timedelta(seconds=settings.webhooks_timeout_seconds + CLAIM_MARGIN_S)
        self.wake = asyncio.Event()
        self.in_flight: dict[asyncio.Task[None], str] = {}  # task -> endpoint id

    async def run_forever(self) -> None:
        try:
            while True:
                try:
                    await self.start_due()
                except Exception:  # a broken database must not end the loop: it retries
                    log.exception("webhook delivery loop failed; retrying")
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), POLL_S)
        finally:
            for task in self.in_flight:
                task.cancel()
            await asyncio.gather(*self.in_flight, return_exceptions=True)
            await self.sender.close()

    async def start_due(self) -> int:
        """Claim what is due and start sending it; returns how many were started."""
        room = MAX_IN_FLIGHT - len(self.in_flight)
        if room <= 0:
            return 0
        claimed = await self.claim(room, Counter(self.in_flight.values()))
        for delivery in claimed:
            task = asyncio.create_task(self.deliver(delivery), name=f"webhook {delivery.id}")
            self.in_flight[task] = delivery.endpoint_id
            task.add_done_callback(self._done)
        return len(claimed)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.in_flight.pop(task, None)
        self.wake.set()  # the next event of its conversation may now go

    async def claim(self, room: int, busy: Counter[str]) -> list[Claimed]:
        now = utcnow()
        earlier = aliased(WebhookDelivery)
        held_up = exists().where(
            earlier.endpoint_id == WebhookDelivery.endpoint_id,
            earlier.conversation_id == WebhookDelivery.conversation_id,
            earlier.status == DeliveryStatus.PENDING,
            earlier.seq < WebhookDelivery.seq,
        )
        query = (
            select(WebhookDelivery, WebhookEndpoint)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
                WebhookEndpoint.enabled,
                ~and_(WebhookDelivery.conversation_id.is_not(None), held_up),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(room * 4)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        claimed: list[Claimed] = []
        async with self.ctx.db.transaction() as session:
            for delivery, endpoint in await session.execute(query):
                if len(claimed) == room or busy[endpoint.id] >= PER_ENDPOINT:
                    continue
                busy[endpoint.id] += 1
                delivery.claimed_until = now + self.claim_for
                secrets = secrets_in_force(endpoint, now)
                claimed.append(Claimed(delivery.id, endpoint.id, endpoint.url, secrets, delivery.body))
        return claimed

    async def deliver(self, claimed: Claimed) -> None:
        headers = request_headers(claimed, int(time.time()))
        started = utcnow()
        outcome = await self.sender.post(claimed.url, headers, claimed.body.encode())
        try:
            retry_at = await self.record(claimed, headers, started, outcome)
        except Exception:  # the claim expires and it is sent again: at least once
            log.exception("recording webhook delivery %s failed", claimed.id)
            return
        if retry_at is not None:  # a retry sooner than the next poll (short schedules) is not late
            wait = (retry_at - utcnow()).total_seconds()
            if wait < POLL_S:
                asyncio.get_running_loop().call_later(max(0.0, wait), self.wake.set)

    async def record(
        self, claimed: Claimed, headers: dict[str, str], started: datetime, outcome: Outcome
    ) -> datetime | None:
        """Log the attempt and settle what follows; returns when the next attempt is due, if any."""
        now = utcnow()
        async with self.ctx.db.transaction() as session:
            delivery = await session.scalar(
                select(WebhookDelivery).where(WebhookDelivery.id == claimed.id).with_for_update()
            )
            if delivery is None:  # its endpoint was deleted meanwhile
                return None
            delivery.attempts += 1
            session.add(
                WebhookAttempt(
                    delivery_id=delivery.id,
                    number=delivery.attempts,
                    started_at=started,
                    duration_ms=outcome.duration_ms,
                    request_headers=headers,
                    status_code=outcome.status_code,
                    response_body=outcome.response_body,
                    error=outcome.error,
                )
            )
            delivery.claimed_until = None
            delivery.last_attempt_at = started
            delivery.last_status_code = outcome.status_code
            delivery.last_error = outcome.error
            endpoint = await session.get_one(WebhookEndpoint, delivery.endpoint_id, with_for_update=True)
            if outcome.delivered:
                self._delivered(delivery, endpoint, now)
            elif delivery.status != DeliveryStatus.DELIVERED:  # a late copy of one sent twice
                self._failed(delivery, endpoint, now)
                if self._should_disable(endpoint, now):
                    endpoint.enabled = False
                    endpoint.disabled_reason = DisabledReason.FAILING
                    endpoint.disabled_at = now
                    notices.endpoint_disabled(session, endpoint.id)
                    log.warning(
                        "webhook endpoint %s turned off: every attempt failed since %s",
                        endpoint.id,
                        endpoint.failing_since,
                    )
            return delivery.next_attempt_at if delivery.status == DeliveryStatus.PENDING else None

    @staticmethod
    def _delivered(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> None:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        delivery.manual = False
        endpoint.failing_since = None

    def _failed(self, delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> None:
        delay = None if delivery.manual else retry_delay(self.ctx.settings.webhooks_retry_schedule, delivery.attempts)
        if delay is None:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.manual = False
        else:
            delivery.next_attempt_at = now + delay
        endpoint.failing_since = endpoint.failing_since or now

    def _should_disable(self, endpoint: WebhookEndpoint, now: datetime) -> bool:
        window = timedelta(hours=self.ctx.settings.webhooks_disable_after_hours)
        return endpoint.enabled and endpoint.failing_since is not None and now - endpoint.failing_since >= window
