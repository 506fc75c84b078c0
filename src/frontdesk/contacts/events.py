"""Events about contacts: agents of the workspace hear them; durable listeners
(webhooks) follow them."""

from __future__ import annotations

from frontdesk.contacts.models import Contact
from frontdesk.contacts.views import contact_summary
from frontdesk.events import ContactCreated, ContactUpdated, Event, EventName
from frontdesk.topics import workspace_agents


def known(contact: Contact) -> bool:
    """Whether the contact is someone a CRM could keep: a way to reach or name them
    beyond this browser. Every widget visitor is a contact; ``contact.created`` waits
    for this."""
    return bool(contact.email or contact.phone or contact.external_id)


def contact_updated(contact: Contact, *, was_known: bool = True) -> list[Event]:
    """The change, and ``contact.created`` (for durable listeners) when an anonymous
    visitor has just become known."""
    summary = contact_summary(contact)
    events = [
        Event(
            EventName.CONTACT_UPDATED,
            ContactUpdated(contact=summary),
            (workspace_agents(contact.workspace_id),),
            workspace_id=contact.workspace_id,
        )
    ]
    if not was_known and known(contact):
        events.insert(
            0, Event(EventName.CONTACT_CREATED, ContactCreated(contact=summary), (), workspace_id=contact.workspace_id)
        )
    return events
