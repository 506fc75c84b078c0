"""Contact search takes "%" and "_" as the characters themselves, on both databases."""

from __future__ import annotations

from frontdesk.contacts.actions import ContactChanges, update_contact
from frontdesk.contacts.queries import list_contacts
from frontdesk.context import Context
from tests.factories import make_team, make_visitor


async def test_like_wildcards_in_the_query_match_only_themselves(ctx: Context) -> None:
    team = await make_team(ctx)
    names = ["100% cotton", "100 percent", "snake_case", "snakeXcase", "back\\slash", "plain"]
    for name in names:
        visitor, _ = await make_visitor(ctx, team.website)
        await update_contact(ctx, team.owner, visitor.contact_id, ContactChanges(name=name))

    async def found(q: str) -> set[str]:
        return {c.name for c in await list_contacts(ctx.db, team.workspace_id, q=q, limit=50, offset=0)}

    assert await found("%") == {"100% cotton"}
    assert await found("_") == {"snake_case"}
    assert await found("e_c") == {"snake_case"}
    assert await found("\\") == {"back\\slash"}
    assert await found("/") == set()  # SQLAlchemy's escape character is not a wildcard either
    assert await found("COTTON") == {"100% cotton"}  # still case-insensitive
