from __future__ import annotations

from typing import Literal, cast

from frontdesk.attachments.views import attachment_data
from frontdesk.clock import isoformat
from frontdesk.events import Author, MessageData
from frontdesk.messages.models import Message

AuthorKind = Literal["visitor", "agent", "system", "bot"]


def message_data(message: Message) -> MessageData:
    return MessageData(
        id=message.id,
        conversation_id=message.conversation_id,
        seq=message.seq,
        author=Author(type=cast(AuthorKind, message.author_type), id=message.author_id, name=message.author_name),
        body=message.body,
        private=message.private,
        client_ref=message.client_ref,
        created_at=isoformat(message.created_at),
        system=message.system,
        attachments=[attachment_data(a) for a in message.attachments or ()],
    )
