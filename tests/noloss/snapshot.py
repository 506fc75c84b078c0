"""The database at the end of a run: what is stored, and what each client may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from frontdesk.actors import AgentActor
from frontdesk.agents.models import Agent
from frontdesk.agents.queries import actor_for
from frontdesk.conversations.models import Conversation
from frontdesk.messages.models import Message
from frontdesk.storage.db import Database

if TYPE_CHECKING:
    from tests.noloss.ledger import PeerLog


@dataclass(frozen=True, slots=True)
class Stored:
    id: str
    conversation_id: str
    seq: int
    private: bool
    client_ref: str | None


@dataclass(frozen=True, slots=True)
class Chat:
    id: str
    contact_id: str
    team_id: str | None
    assignee_id: str | None


@dataclass
class View:
    """The messages one client should hold: by id, and each conversation's seqs."""

    ids: set[str] = field(default_factory=set)
    seqs: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Snapshot:
    messages: dict[str, Stored]
    chats: dict[str, Chat]
    agents: dict[str, AgentActor]  # by email
    at: dict[tuple[str, int], str] = field(default_factory=dict)  # (conversation, seq) -> message id
    by_ref: dict[str, list[str]] = field(default_factory=dict)  # client_ref -> message ids
    _views: dict[str, View] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m in sorted(self.messages.values(), key=lambda m: (m.conversation_id, m.seq)):
            self.at[(m.conversation_id, m.seq)] = m.id
            if m.client_ref is not None:
                self.by_ref.setdefault(m.client_ref, []).append(m.id)

    def view(self, peer: PeerLog) -> View:
        """A visitor: every message of their conversations but private notes (docs/
        protocol.md's catalog). An agent: every message of every conversation their role
        and teams let them see, private notes included."""
        if peer.name not in self._views:
            self._views[peer.name] = self._view(peer)
        return self._views[peer.name]

    def _view(self, peer: PeerLog) -> View:
        view = View()
        if peer.kind == "visitor":
            chats = {c.id for c in self.chats.values() if c.contact_id == peer.contact_id}
        else:
            actor = self.agents[peer.agent_email]
            chats = {c.id for c in self.chats.values() if actor.may_see(c.team_id, c.assignee_id)}
        for m in sorted(self.messages.values(), key=lambda m: m.seq):
            if m.conversation_id in chats and not (m.private and peer.kind == "visitor"):
                view.ids.add(m.id)
                view.seqs.setdefault(m.conversation_id, []).append(m.seq)
        return view


async def read(db: Database, agent_emails: list[str]) -> Snapshot:
    async with db.reader() as session:
        rows = await session.execute(
            select(Message.id, Message.conversation_id, Message.seq, Message.private, Message.client_ref)
        )
        messages = {r.id: Stored(r.id, r.conversation_id, r.seq, r.private, r.client_ref) for r in rows}
        rows = await session.execute(
            select(Conversation.id, Conversation.contact_id, Conversation.team_id, Conversation.assignee_id)
        )
        chats = {r.id: Chat(r.id, r.contact_id, r.team_id, r.assignee_id) for r in rows}
        agents = list(await session.scalars(select(Agent).where(Agent.email.in_(agent_emails))))
    return Snapshot(messages, chats, {a.email: await actor_for(db, a) for a in agents})
