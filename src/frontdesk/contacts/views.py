from __future__ import annotations

from frontdesk.contacts.models import Contact
from frontdesk.events import ContactSummary


def contact_summary(contact: Contact) -> ContactSummary:
    return ContactSummary(id=contact.id, name=contact.name, email=contact.email)
