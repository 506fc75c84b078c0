"""Sending messages: the hot path of the product.

``send_message`` checks, stores and numbers the message in one transaction and only
then publishes it; the caller acknowledges after it answers, so an acknowledged message
is always on disk. A repeated ``client_ref`` returns the stored message instead of a
second copy, which makes client retries after a lost connection safe.

A message in a chat under way is queued for the quick path's group commit
(quick_send.py); anything else, or what the quick path finds it cannot do, takes the
ORM path (``_send_fully``): start, reopen, assign, files, notes. Both store it by the
same append (append.py).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, overload

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import Actor, AgentActor, VisitorActor
from frontdesk.agents.models import Agent
from frontdesk.attachments.queries import claim_for_message
from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.models import Conversation, Status
from frontdesk.conversations.queries import conversation_for, ongoing
from frontdesk.errors import Conflict, DomainError, Forbidden, Invalid
from frontdesk.events import Author, MessageData
from frontdesk.messages.append import Entry, append_messages, author_of
from frontdesk.messages.mentions import mention_events
from frontdesk.messages.models import BODY_MAX_CHARS, VISITOR_BROWSER, AuthorType, Message, StoredMessage
from frontdesk.messages.quick_send import QuickSend, QuickSent, applies, quick_send, store
from frontdesk.messages.views import message_data, message_json
from frontdesk.outbox.record import recorded_elsewhere
from frontdesk.ratelimits.limiter import RateLimiter
from frontdesk.ratelimits.rules import CONVERSATIONS_IP, CONVERSATIONS_VISITOR
from frontdesk.routing.announce import announce
from frontdesk.routing.assignment import take_seat_anyway
from frontdesk.routing.dispatch import reopened, route_new
from frontdesk.routing.routed import Routed
from frontdesk.validation import check_text

# Where site notes wait for a conversation (conversations/site_notes.py); hidden from the API.
SITE_NOTES_KEY = "_site_notes"
# A site note is what the visitor's browser says (Olark's sendNotificationToOperator): the
# console shows it as that, not as the site's own word.
SITE_NOTE_AUTHOR = Author(type=AuthorType.SYSTEM.value, id=None, name="Visitor's browser")
SITE_NOTE: dict[str, Any] = {"action": "site_note", "origin": VISITOR_BROWSER}

_CLIENT_REF = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


@dataclass(frozen=True)
class NewMessage:
    body: str
    client_ref: str | None = None
    conversation_id: str | None = None
    private: bool = False
    attachment_ids: tuple[str, ...] = ()
    # The visitor's page speaking as the team (Olark's sendMessageToVisitor): a bot message.
    site_speaker: str | None = None


@dataclass(frozen=True)
class SendResult:
    message: StoredMessage
    duplicate: bool
    # The message's JSON form when it was built already (for its event): the ack reuses it.
    built: dict[str, Any] | None = None

    def data(self) -> MessageData:
        return message_data(self.message)

    def json(self) -> dict[str, Any]:
        return self.built if self.built is not None else message_json(self.message)


# Who hears how a send ended (the callback form of ``send_message``): the result, the
# ``DomainError`` that refused it, or the exception that failed it.
Answer = Callable[["SendResult | Exception"], None]


@overload
def send_message(ctx: Context, actor: Actor, new: NewMessage) -> Coroutine[Any, Any, SendResult]: ...
@overload
def send_message(ctx: Context, actor: Actor, new: NewMessage, answer: Answer) -> None: ...
def send_message(
    ctx: Context, actor: Actor, new: NewMessage, answer: Answer | None = None
) -> Coroutine[Any, Any, SendResult] | None:
    """Store and publish a message: awaited for its result, or (``answer``) from a
    plain function that cannot wait, which hears the outcome once, from the quick
    path's commit callback when that path stores it (ws/gateway.py: a frame taken as it
    arrives wakes no task on its way in), or from a task that runs the ORM path."""
    if answer is None:
        return _send(ctx, actor, new)
    _send_then(ctx, actor, new, answer)
    return None


async def _send(ctx: Context, actor: Actor, new: NewMessage) -> SendResult:
    body, write = _checked(actor, new)
    if write is not None and (sent := await store(ctx.quick, write)) is not None:
        return _quick_sent(ctx, sent)
    return await _send_fully(ctx, actor, new, body)


def _send_then(ctx: Context, actor: Actor, new: NewMessage, answer: Answer) -> None:
    try:
        body, write = _checked(actor, new)
    except DomainError as exc:
        answer(exc)
        return
    if write is None:
        _in_background(_answered(answer, _send_fully(ctx, actor, new, body)))
        return

    def stored(ok: bool, value: Any) -> None:
        if not ok:
            answer(value)
            return
        if value is None:  # the quick path did not apply: the full one
            _in_background(_answered(answer, _send_fully(ctx, actor, new, body)))
            return
        try:
            result: SendResult | Exception = _quick_sent(ctx, write.finish(value))
        except Exception as exc:  # stored, and not published: the caller hears of it
            result = exc
        answer(result)

    ctx.quick.call_back(write, stored)


async def _answered(answer: Answer, sending: Coroutine[Any, Any, SendResult]) -> None:
    try:
        result: SendResult | Exception = await sending
    except Exception as exc:
        result = exc
    answer(result)


_background: set[asyncio.Task[None]] = set()


def _in_background(work: Coroutine[Any, Any, None]) -> None:
    """A task nobody awaits, held here so it is not collected before it ends."""
    task = asyncio.create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)


def _checked(actor: Actor, new: NewMessage) -> tuple[str, QuickSend | None]:
    """The body as it will be stored, and the quick path's write (None when only the
    full path applies); a ``DomainError`` when the request is wrong."""
    body = check_text("body", new.body, max_chars=BODY_MAX_CHARS, min_chars=0 if new.attachment_ids else 1)
    _check_request(actor, new)
    if not applies(new.private, new.attachment_ids, new.site_speaker):
        return body, None
    return body, quick_send(actor, body, new.client_ref, new.conversation_id)


def _quick_sent(ctx: Context, sent: QuickSent) -> SendResult:
    """After the quick path's commit: publish the message (its append wrote the outbox
    row), and the answer."""
    built = message_json(sent.message)
    ctx.publish_now([recorded_elsewhere(conversation_events.message_created(sent.message, sent.chat, built))])
    return SendResult(sent.message, duplicate=False, built=built)


async def _send_fully(ctx: Context, actor: Actor, new: NewMessage, body: str) -> SendResult:
    """The ORM path, for every send (``_checked`` first): what the quick path left."""
    try:
        async with ctx.db.transaction() as session:
            if new.client_ref and (earlier := await _sent_before(session, actor, new.client_ref)):
                return SendResult(earlier, duplicate=True)
            message, routed = await _store(session, actor, new, body, ctx.rate_limits)
            announce(ctx, session, message.workspace_id, routed)
    except IntegrityError:
        # Two retries of one send raced (PostgreSQL): the other one stored it.
        if new.client_ref:
            async with ctx.db.reader() as session:
                if earlier := await _sent_before(session, actor, new.client_ref):
                    return SendResult(earlier, duplicate=True)
        raise
    return SendResult(message, duplicate=False)


def _check_request(actor: Actor, new: NewMessage) -> None:
    if new.client_ref is not None and not _CLIENT_REF.match(new.client_ref):
        raise Invalid('"client_ref" must be 8-64 letters, digits or "-_.:" (a UUIDv7 is ideal)', field="client_ref")
    if isinstance(actor, VisitorActor) and new.private:
        raise Forbidden("visitors cannot write private notes", field="private")
    if isinstance(actor, AgentActor) and not new.conversation_id:
        raise Invalid('"conversation_id" is required', field="conversation_id")


async def _sent_before(session: AsyncSession, actor: Actor, client_ref: str) -> Message | None:
    earlier = await session.scalar(
        select(Message).where(Message.workspace_id == actor.workspace_id, Message.client_ref == client_ref)
    )
    if earlier is not None and earlier.author_id != author_of(actor).id:
        raise Conflict("this client_ref was already used for another author's message", field="client_ref")
    return earlier


async def _store(
    session: AsyncSession, actor: Actor, new: NewMessage, body: str, limits: RateLimiter
) -> tuple[Message, Routed]:
    conversation, created = await _target(session, actor, new.conversation_id, limits)
    changed = []
    routed = Routed()
    if isinstance(actor, AgentActor) and not new.private and conversation.assignee_id is None:
        # The agent who answers owns the chat (and it takes one of their seats).
        conversation.assignee_id, conversation.queued_at = actor.agent_id, None
        conversation.assigned_at = utcnow()
        await take_seat_anyway(session, actor.agent_id)
        routed.queues.add(conversation.team_id)
        changed.append("assignee")
    if isinstance(actor, VisitorActor) and conversation.status != Status.OPEN:
        was_resolved = conversation.status == Status.RESOLVED
        conversation.status = Status.OPEN.value  # the visitor wrote again: it needs an answer
        conversation.resolved_at = conversation.snoozed_until = None
        changed.append("status")
        if was_resolved:
            routed.add(await reopened(session, conversation))
    notes = await _pending_site_notes(session, conversation) if created else []
    author = author_of(actor)
    if new.site_speaker and isinstance(actor, VisitorActor):
        author = Author(type=AuthorType.BOT.value, id=actor.contact_id, name=new.site_speaker)
    origin = {"origin": VISITOR_BROWSER} if new.site_speaker else None
    files = await claim_for_message(session, actor, list(new.attachment_ids)) if new.attachment_ids else []
    entry = Entry(
        author,
        body,
        private=new.private,
        client_ref=new.client_ref,
        system=origin,
        attachments=[{"id": f.id, "name": f.name, "content_type": f.content_type, "size": f.size} for f in files],
    )
    *notes_stored, message = await append_messages(session, [(conversation, e) for e in [*notes, entry]])
    for file in files:
        file.message_id = message.id
    contact = await session.get_one(Contact, conversation.contact_id)
    if contact.blocked and isinstance(actor, VisitorActor):
        raise Forbidden("this visitor is blocked")
    if created:  # routed first, so the events already name the team (and the agent, if any)
        routed.add(await route_new(session, conversation, contact))
    assignee = await session.get(Agent, conversation.assignee_id) if conversation.assignee_id else None
    events = []
    if created:
        events.append(conversation_events.conversation_created(conversation, contact, assignee, message))
    events += [conversation_events.message_created(note, conversation) for note in notes_stored]
    events.append(conversation_events.message_created(message, conversation))
    if changed and not created:
        events += conversation_events.conversation_updated(conversation, contact, assignee, message, changed)
    if new.private and isinstance(actor, AgentActor):
        events += await mention_events(session, actor, message)
    routed.events[:0] = events  # the message first, then who was assigned
    return message, routed


async def _pending_site_notes(session: AsyncSession, conversation: Conversation) -> list[Entry]:
    """Notes the visitor's site sent before there was a conversation open its history."""
    contact = await session.get_one(Contact, conversation.contact_id)
    pending = contact.custom_attributes.get(SITE_NOTES_KEY)
    if not pending:
        return []
    contact.custom_attributes = {k: v for k, v in contact.custom_attributes.items() if k != SITE_NOTES_KEY}
    return [Entry(SITE_NOTE_AUTHOR, str(text), private=True, system=SITE_NOTE) for text in pending]


async def _target(
    session: AsyncSession, actor: Actor, conversation_id: str | None, limits: RateLimiter
) -> tuple[Conversation, bool]:
    """The conversation to write to, locked; a visitor without one continues their open
    conversation on this website or starts one (within their rate limits: each new
    conversation is routed and may take an agent's seat)."""
    if conversation_id:
        return await conversation_for(session, actor, conversation_id, lock=True), False
    assert isinstance(actor, VisitorActor)  # agents were required to name one
    ongoing_chat = await session.scalar(ongoing(actor))
    if ongoing_chat is not None:
        return ongoing_chat, False
    await limits.hit_visitor(actor, CONVERSATIONS_VISITOR, CONVERSATIONS_IP)
    conversation = Conversation(
        workspace_id=actor.workspace_id, website_id=actor.website_id, contact_id=actor.contact_id
    )
    session.add(conversation)
    await session.flush()
    return conversation, True
