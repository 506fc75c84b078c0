"""An email to a workspace's owners and admins when one of its webhook endpoints is
turned off for failing: their systems have been missing events for days."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import Role
from frontdesk.agents.models import Agent
from frontdesk.context import Context
from frontdesk.jobs.outbox import enqueue
from frontdesk.mail.sender import Email
from frontdesk.webhooks.models import WebhookEndpoint

JOB = "email.webhook_disabled"
SETTINGS_PATH = "/console/settings/webhooks"


def endpoint_disabled(session: AsyncSession, endpoint_id: str) -> None:
    """Queued in the transaction that turns the endpoint off: sent only if that commits."""
    enqueue(session, JOB, {"endpoint_id": endpoint_id})


async def send_disabled_notice(ctx: Context, payload: dict[str, Any]) -> None:
    async with ctx.db.reader() as session:
        endpoint = await session.get(WebhookEndpoint, payload["endpoint_id"])
        if endpoint is None:  # deleted since
            return
        admins = list(
            await session.scalars(
                select(Agent).where(
                    Agent.workspace_id == endpoint.workspace_id,
                    Agent.active,
                    Agent.role.in_([Role.OWNER.value, Role.ADMIN.value]),
                )
            )
        )
    days = ctx.settings.webhooks_disable_after_hours / 24
    link = f"{ctx.settings.public_url.rstrip('/')}{SETTINGS_PATH}" if ctx.settings.public_url else "Settings > Webhooks"
    for admin in admins:
        text = (
            f"Hello {admin.name},\n\nEvery attempt to send webhooks to {endpoint.url} has failed for {days:g} days, "
            "so Frontdesk has turned this endpoint off. Events that happen while it is off are not sent to it.\n\n"
            f"The delivery log shows what the receiver answered. Once it works again, turn the endpoint back on "
            f"in {link}; deliveries still pending are then sent, and failed ones can be sent again from the log.\n"
        )
        await ctx.mail.send(Email(to=admin.email, subject="Frontdesk: a webhook endpoint was turned off", text=text))


HANDLERS = {JOB: send_disabled_notice}
