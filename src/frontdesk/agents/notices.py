"""An email to the agent whenever how they log in changes (OWASP ASVS 2.5.5): a
password changed or reset, two-factor turned on or off. If it was not them, they hear
of it at once, not at their next failed login."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.agents.models import Agent
from frontdesk.context import Context
from frontdesk.jobs.outbox import enqueue
from frontdesk.mail.sender import Email

JOB = "email.account_changed"


class Change(enum.StrEnum):
    PASSWORD_CHANGED = "Your password was changed"  # noqa: S105 - a sentence, not a secret
    PASSWORD_RESET = "Your password was reset with an emailed link"  # noqa: S105 - a sentence
    TWO_FACTOR_ON = "Two-factor authentication was turned on"
    TWO_FACTOR_OFF = "Two-factor authentication was turned off"


def notify(session: AsyncSession, agent_id: str, change: Change) -> None:
    """Queues the notice in the caller's transaction: sent only if the change commits."""
    enqueue(session, JOB, {"agent_id": agent_id, "change": change.name})


async def send_notice(ctx: Context, payload: dict[str, Any]) -> None:
    async with ctx.db.reader() as session:
        agent = await session.get(Agent, payload["agent_id"])
    if agent is None:
        return
    change = Change[payload["change"]]
    text = (
        f"Hello {agent.name},\n\n{change.value} on your Frontdesk account ({agent.email}).\n\n"
        "If that was you, there is nothing to do. If not, reset your password from the login page "
        "at once and tell an owner of your workspace.\n"
    )
    await ctx.mail.send(Email(to=agent.email, subject=f"Frontdesk: {change.value.lower()}", text=text))
