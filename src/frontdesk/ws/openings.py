"""What opening a visitor's live session reads: one quick read (storage/reads.py), taken
after the session has subscribed, batched with every other visitor's that opens meanwhile.

It holds the token check (the contact, contacts/visitor_check.py), the welcome's state
(the website and whether anyone can answer, routing/availability.py) and each chat's
``last_seq`` (conversations/briefs.py): a visitor whose cursors are all at ``last_seq``
missed nothing, and gets ``synced`` with no message read. That is safe because of the
order: whatever was committed before this read is in its ``last_seq``; whatever commits
after it is published after its commit, to a topic the session already listens to.
Before, a reconnect read the contact, the website, the agents online, the visitor's
chats and then each chat again, each through an ORM session of its own: ~11 ms of CPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from frontdesk.contacts.visitor_check import ContactRow, contacts_by_id
from frontdesk.conversations.briefs import Brief, visitor_briefs
from frontdesk.routing.availability import agents_online
from frontdesk.storage.db import Database
from frontdesk.storage.reads import Exec
from frontdesk.websites.queries import WebsiteRow, websites_by_id


@dataclass(frozen=True, slots=True)
class Opening:
    contact: ContactRow | None
    website: WebsiteRow | None
    agents_online: bool
    chats: list[Brief]


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who is opening: the contact and website a token names, the website's workspace."""

    workspace_id: str
    website_id: str
    contact_id: str


def openings(execute: Exec, visitors: list[Visitor]) -> list[Opening]:
    """A quick read: four statements for every visitor of the batch."""
    contacts = contacts_by_id(execute, [v.contact_id for v in visitors])
    websites = websites_by_id(execute, [v.website_id for v in visitors])
    online = agents_online(execute, [v.website_id for v in visitors])
    chats = visitor_briefs(execute, [(v.workspace_id, v.contact_id) for v in visitors])
    return [Opening(*each) for each in zip(contacts, websites, online, chats, strict=True)]


async def workspace_of(db: Database, website_id: str) -> str | None:
    """The workspace a website belongs to, which never changes (no website moves): read
    once a node, then known. A socket subscribes to it before its opening read."""
    known = _workspaces.setdefault(db, {})
    if website_id not in known:
        website = await db.reads.get(websites_by_id, website_id)
        if website is None:
            return None
        known[website_id] = website.workspace_id
    return known[website_id]


# A database's websites' workspaces: a few ids each, as long as the database is in use.
_workspaces: WeakKeyDictionary[Database, dict[str, str]] = WeakKeyDictionary()
