"""Widget sessions (contacts/actions.py, contacts/quick_session.py) on both databases:
every page view starts one: a burst of first visits makes whole contacts, a returning
visitor is seen again, a blocked one is refused and left as they were."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from frontdesk.clock import utcnow
from frontdesk.contacts.actions import start_visitor_session
from frontdesk.contacts.blocking import set_blocked
from frontdesk.contacts.models import Contact
from frontdesk.contacts.quick_session import anonymous_name
from frontdesk.context import Context
from frontdesk.errors import Forbidden, NotFound
from tests.factories import make_team


async def _contact(ctx: Context, contact_id: str) -> Contact:
    async with ctx.db.reader() as session:
        return await session.get_one(Contact, contact_id)


async def test_a_burst_of_first_visits_makes_one_whole_contact_each(ctx: Context) -> None:
    """At once, so their writes share transactions (storage/quick.py)."""
    team = await make_team(ctx)
    started = await asyncio.gather(
        *(start_visitor_session(ctx, team.website.widget_key, None, ip=f"198.51.100.{i}") for i in range(40))
    )
    assert len({s.contact.id for s in started}) == 40
    assert not any(s.resumed for s in started)
    for i, one in enumerate(started):
        stored = await _contact(ctx, one.contact.id)  # as the ORM reads it back
        assert (stored.name, stored.workspace_id, stored.website_id) == (
            anonymous_name(one.contact.id),
            team.workspace_id,
            team.website.id,
        )
        assert stored.last_ip == f"198.51.100.{i}" and not stored.blocked
        assert (stored.custom_attributes, stored.device, stored.status_lines) == ({}, {}, [])
        assert abs(stored.last_seen_at - utcnow()) < timedelta(minutes=1)


async def test_a_returning_visitor_is_seen_again_and_a_blocked_one_is_refused_untouched(ctx: Context) -> None:
    team = await make_team(ctx)
    first = await start_visitor_session(ctx, team.website.widget_key, None, ip="203.0.113.5")
    before = await _contact(ctx, first.contact.id)

    again = await start_visitor_session(ctx, team.website.widget_key, first.token, ip="203.0.113.6")
    assert again.resumed and again.contact.id == first.contact.id
    seen = await _contact(ctx, first.contact.id)
    assert seen.last_ip == "203.0.113.6" and seen.last_seen_at > before.last_seen_at
    no_address = await start_visitor_session(ctx, team.website.widget_key, again.token)
    assert no_address.resumed and (await _contact(ctx, first.contact.id)).last_ip == "203.0.113.6"

    await set_blocked(ctx, team.owner, first.contact.id, True)
    blocked = await _contact(ctx, first.contact.id)
    with pytest.raises(Forbidden, match="blocked"):
        await start_visitor_session(ctx, team.website.widget_key, again.token, ip="192.0.2.1")
    after = await _contact(ctx, first.contact.id)
    assert (after.last_ip, after.last_seen_at) == (blocked.last_ip, blocked.last_seen_at)
    with pytest.raises(Forbidden, match="blocked"):  # a new contact from the blocked address
        await start_visitor_session(ctx, team.website.widget_key, None, ip="203.0.113.6")


async def test_another_websites_token_starts_afresh_and_an_unknown_key_is_named(ctx: Context) -> None:
    acme, globex = await make_team(ctx), await make_team(ctx, "Globex")
    at_acme = await start_visitor_session(ctx, acme.website.widget_key, None)
    at_globex = await start_visitor_session(ctx, globex.website.widget_key, at_acme.token)
    assert not at_globex.resumed and at_globex.contact.id != at_acme.contact.id
    assert (await _contact(ctx, at_globex.contact.id)).workspace_id == globex.workspace_id
    with pytest.raises(NotFound, match="no-such-key"):
        await start_visitor_session(ctx, "no-such-key", at_acme.token)
