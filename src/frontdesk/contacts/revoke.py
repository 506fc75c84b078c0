"""Ending a visitor's sessions: the widget's ``reset()`` (a site's logout), and blocking.

Visitor tokens are stateless, so ending them is a fact on the contact that every use of
a token reads (http/deps.py ``visitor_actor``): a raised ``token_version`` for reset, the
``blocked`` flag for blocking. Sockets already open were authenticated before; they are
told to close, and the reconnect is checked afresh.
"""

from __future__ import annotations

from sqlalchemy import update

from frontdesk.actors import VisitorActor
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.events import Event, EventName, VisitorSessionEnded
from frontdesk.topics import visitor


async def end_visitor_session(ctx: Context, actor: VisitorActor) -> None:
    """Revoke every token of this visitor, on every device: after a site's logout the
    next person at this computer must not read the previous one's chats."""
    async with ctx.db.transaction() as session:
        await session.execute(
            update(Contact).where(Contact.id == actor.contact_id).values(token_version=Contact.token_version + 1)
        )
    await close_visitor_sockets(ctx, actor.contact_id)


async def close_visitor_sockets(ctx: Context, contact_id: str) -> None:
    """Call after the commit that revoked the visitor's tokens."""
    ended = VisitorSessionEnded(contact_id=contact_id)
    await ctx.publish([Event(EventName.VISITOR_SESSION_ENDED, ended, (visitor(contact_id),))])
