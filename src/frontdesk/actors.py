"""Who is acting, and which chats they may see. Transports authenticate a request or
socket into one of these and pass it to actions, which check what it may do.

"Who may see a chat" is written once (``agent_sees``, ``visitor_sees``), over terms
that each form of it supplies: Python values (``AgentActor.may_see``, the socket's
filter of events), SQLAlchemy clauses (``conversations/queries.visible_to``, every
read) and raw SQL (the quick path's statement, messages/quick_send.py). Changing the
rule changes all three; tests/test_visibility.py holds them equal over every case.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, or_

from frontdesk.errors import Forbidden

T = TypeVar("T")


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class AgentActor:
    workspace_id: str
    agent_id: str
    name: str
    role: Role
    # The teams whose chats this agent may see; None: every chat of the workspace.
    team_ids: frozenset[str] | None = None

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def sees_all(self) -> bool:
        return self.team_ids is None

    def may_see(self, team_id: str | None, assignee_id: str | None) -> bool:
        """A chat of this agent's workspace (an event on its topic) with this team and
        assignee: ``agent_sees`` in Python."""
        return _agent_sees_in_python(self, self.workspace_id, team_id, assignee_id)


@dataclass(frozen=True, slots=True)
class VisitorActor:
    workspace_id: str
    website_id: str
    contact_id: str
    name: str
    # The address this request or socket came from, for per-address limits.
    ip: str | None = None


Actor = AgentActor | VisitorActor


def require_admin(actor: AgentActor, what: str) -> None:
    if not actor.is_admin:
        raise Forbidden(f"only owners and admins may {what}")


# Who may see a chat --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Chat:
    """A conversation's columns that decide who sees it, in one form's terms."""

    workspace_id: Any
    contact_id: Any
    team_id: Any
    assignee_id: Any


class AgentTerms(Protocol):
    """An agent in one form's terms (an ``AgentActor`` is its own)."""

    @property
    def workspace_id(self) -> Any: ...
    @property
    def agent_id(self) -> Any: ...
    @property
    def sees_all(self) -> Any: ...
    @property
    def team_ids(self) -> Any: ...


class VisitorTerms(Protocol):
    @property
    def workspace_id(self) -> Any: ...
    @property
    def contact_id(self) -> Any: ...


class Terms(Protocol[T]):
    """What the rule is written in: conditions of type T."""

    def all(self, *terms: T) -> T: ...
    def any(self, *terms: T) -> T: ...
    def equal(self, a: Any, b: Any) -> T: ...
    def missing(self, a: Any) -> T: ...
    def among(self, a: Any, group: Any) -> T: ...
    def holds(self, a: Any) -> T: ...


def agent_sees(t: Terms[T], chat: Chat, agent: AgentTerms) -> T:
    """An agent sees their workspace's chats of their teams, those without a team, and
    those they hold; an agent of no particular team (``sees_all``) sees every one."""
    return t.all(
        t.equal(chat.workspace_id, agent.workspace_id),
        t.any(
            t.holds(agent.sees_all),
            t.among(chat.team_id, agent.team_ids),
            t.missing(chat.team_id),
            t.equal(chat.assignee_id, agent.agent_id),
        ),
    )


def visitor_sees(t: Terms[T], chat: Chat, visitor: VisitorTerms) -> T:
    """A visitor sees their own chats."""
    return t.all(t.equal(chat.workspace_id, visitor.workspace_id), t.equal(chat.contact_id, visitor.contact_id))


def sees(t: Terms[T], chat: Chat, actor: Actor) -> T:
    return agent_sees(t, chat, actor) if isinstance(actor, AgentActor) else visitor_sees(t, chat, actor)


Clause = ColumnElement[bool] | bool


class _Clauses:
    """Terms in SQLAlchemy, over columns and the actor's values. What the actor's values
    decide already is a Python bool, folded away: an agent who sees all gets no team
    condition at all, as the reads' plans were made without one."""

    def all(self, *terms: Clause) -> Clause:
        if any(term is False for term in terms):  # identity: a clause's == builds SQL
            return False
        clauses = [term for term in terms if not isinstance(term, bool)]
        return (and_(*clauses) if len(clauses) > 1 else clauses[0]) if clauses else True

    def any(self, *terms: Clause) -> Clause:
        if any(term is True for term in terms):
            return True
        clauses = [term for term in terms if not isinstance(term, bool)]
        return (or_(*clauses) if len(clauses) > 1 else clauses[0]) if clauses else False

    def equal(self, a: Any, b: Any) -> Clause:
        return a == b  # type: ignore[no-any-return]

    def missing(self, a: Any) -> Clause:
        return a.is_(None)  # type: ignore[no-any-return]

    def among(self, a: Any, group: Any) -> Clause:
        return False if group is None else a.in_(group)

    def holds(self, a: Any) -> Clause:
        return bool(a)


class _Sql:
    """Terms in raw SQL: the chat's columns and the actor's values are SQL expressions
    (a batch's JSON, messages/quick_send.py); ``among``'s group is a subquery."""

    def all(self, *terms: str) -> str:
        return "(" + " AND ".join(terms) + ")"

    def any(self, *terms: str) -> str:
        return "(" + " OR ".join(terms) + ")"

    def equal(self, a: Any, b: Any) -> str:
        return f"{a} = {b}"

    def missing(self, a: Any) -> str:
        return f"{a} IS NULL"

    def among(self, a: Any, group: Any) -> str:
        return f"{a} IN ({group})"

    def holds(self, a: Any) -> str:
        return str(a)


class _Python:
    """Terms in Python source, compiled once into ``may_see``: the socket asks it of
    every event for every agent's socket, and the rule evaluated term by term cost
    2.2 us a call where the compiled expression costs what a written one does (0.1)."""

    def all(self, *terms: str) -> str:
        return "(" + " and ".join(terms) + ")"

    def any(self, *terms: str) -> str:
        return "(" + " or ".join(terms) + ")"

    def equal(self, a: Any, b: Any) -> str:
        return f"{a} == {b}"

    def missing(self, a: Any) -> str:
        return f"{a} is None"

    def among(self, a: Any, group: Any) -> str:
        return f"{a} in ({group} or ())"

    def holds(self, a: Any) -> str:
        return str(a)


@dataclass(frozen=True, slots=True)
class _Named:
    """An actor's values in source form: ``agent.team_ids`` and the like."""

    workspace_id: str = "agent.workspace_id"
    agent_id: str = "agent.agent_id"
    sees_all: str = "agent.sees_all"
    team_ids: str = "agent.team_ids"


CLAUSES: Terms[Clause] = _Clauses()
SQL: Terms[str] = _Sql()
PYTHON: Terms[str] = _Python()

# S307: the source is made from the constants above alone, as dataclasses makes its methods.
_agent_sees_in_python: Callable[[AgentActor, str, str | None, str | None], bool] = eval(  # noqa: S307
    "lambda agent, workspace_id, team_id, assignee_id: "
    + agent_sees(PYTHON, Chat("workspace_id", "None", "team_id", "assignee_id"), _Named())
)
