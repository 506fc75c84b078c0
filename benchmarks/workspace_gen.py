"""A year of a busy support team, as rows: contacts, conversations (with teams, agents,
labels and statuses mixed as in a real inbox), and their messages in the order they
were written. Pure data; ``bulk_load`` puts it into a database.

Shape: most conversations are resolved; the open and pending ones are recent, plus a
tail of stale ones nobody closed. Each has 2-18 messages (on average ``messages /
conversations``): visitor and agent in turn, a system line when assigned, now and then
a private note. Messages are emitted sorted by time, as a live server stores them, so
storage order (SQLite's rowid) follows ``created_at`` as it does in production.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.corpus import Corpus
from frontdesk.ids import new_id, new_sortable_id

YEAR_S = 365 * 24 * 3600
RECENT_S = 2 * 24 * 3600  # what agents are still working on
LABELS = {  # label: share of conversations that carry it
    "billing": 0.14,
    "refund": 0.08,
    "bug": 0.07,
    "shipping": 0.10,
    "feature-request": 0.04,
    "vip": 0.02,
    "urgent": 0.03,
    "login": 0.05,
    "feedback": 0.04,
    "sales": 0.06,
    "spam": 0.01,
    "churn-risk": 0.01,
}
FIRST_NAMES = [
    "Ada",
    "Bob",
    "Chen",
    "Dana",
    "Emre",
    "Fatima",
    "Gita",
    "Hugo",
    "Ines",
    "Jonas",
    "Mia",
    "Noor",
    "Omar",
    "Uma",
]
LAST_NAMES = ["Smith", "Müller", "García", "Rossi", "Kowalski", "Novak", "Silva", "Yilmaz", "Tanaka", "Okafor"]


@dataclass(frozen=True)
class Staff:
    """Who works in the workspace, made through the app's own actions beforehand."""

    workspace_id: str
    website_id: str
    teams: dict[str, list[tuple[str, str]]]  # team id -> members (agent id, name)


@dataclass
class Generated:
    contacts: list[dict[str, Any]] = field(default_factory=list)
    conversations: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)


def generate(staff: Staff, conversations: int, messages: int, contacts: int, seed: int = 4) -> Generated:
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible by seed
    now = datetime.now(UTC)
    out = Generated(contacts=[_contact(rng, staff, now) for _ in range(contacts)])
    counts = _message_counts(rng, conversations, messages)
    bodies = iter(Corpus.make(seed).bodies(messages))
    for n in counts:
        contact = out.contacts[rng.randrange(contacts)]
        _conversation(rng, staff, now, contact, n, bodies, out)
    out.messages.sort(key=lambda m: m["created_at"])
    return out


def _message_counts(rng: random.Random, conversations: int, messages: int) -> list[int]:
    """Counts of 2-18 per conversation summing to exactly ``messages``."""
    mean = messages / conversations
    counts = [max(2, min(18, round(rng.gauss(mean, mean / 2)))) for _ in range(conversations)]
    diff = messages - sum(counts)
    while diff:
        i = rng.randrange(conversations)
        step = 1 if diff > 0 else -1
        if 2 <= counts[i] + step <= 18:
            counts[i] += step
            diff -= step
    return counts


def _contact(rng: random.Random, staff: Staff, now: datetime) -> dict[str, Any]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    identified = rng.random() < 0.6
    seen = now - timedelta(seconds=rng.uniform(0, YEAR_S))
    return {
        "id": new_id(),
        "workspace_id": staff.workspace_id,
        "website_id": staff.website_id,
        "name": name,
        "email": f"{name.lower().replace(' ', '.')}{rng.randrange(10_000)}@example.com" if identified else None,
        "phone": None,
        "external_id": None,
        "external_id_verified": False,
        "token_version": 0,
        "custom_attributes": {"plan": rng.choice(["free", "pro", "business"])} if identified else {},
        "device": {"browser": rng.choice(["Firefox", "Chrome", "Safari"]), "os": rng.choice(["Linux", "macOS", "iOS"])},
        "status_lines": [],
        "blocked": False,
        "last_ip": None,
        "created_at": seen - timedelta(days=rng.uniform(0, 30)),
        "last_seen_at": seen,
    }


def _status(rng: random.Random, age_s: float) -> str:
    roll = rng.random()
    if age_s < RECENT_S:
        return "open" if roll < 0.6 else "pending" if roll < 0.8 else "resolved"
    return "open" if roll < 0.04 else "pending" if roll < 0.06 else "resolved"


def _conversation(
    rng: random.Random, staff: Staff, now: datetime, contact: dict[str, Any], n: int, bodies: Any, out: Generated
) -> None:
    age_s = rng.uniform(0, YEAR_S) ** 1.2 / YEAR_S**0.2  # a little denser towards now
    status = _status(rng, age_s)
    team_id = rng.choice(list(staff.teams))
    assigned = status != "open" or rng.random() < 0.7
    agent = rng.choice(staff.teams[team_id]) if assigned else None
    gaps = [rng.uniform(5, 600) for _ in range(n - 1)]
    last = now - timedelta(seconds=age_s)
    created = last - timedelta(seconds=sum(gaps))
    conversation_id = new_id()
    out.conversations.append(
        {
            "id": conversation_id,
            "workspace_id": staff.workspace_id,
            "website_id": staff.website_id,
            "contact_id": contact["id"],
            "status": status,
            "assignee_id": agent[0] if agent else None,
            "last_seq": n,
            "agent_last_read_seq": n if status == "resolved" else n - rng.randrange(2),
            "contact_last_read_seq": n,
            "created_at": created,
            "last_activity_at": last,
            "resolved_at": last if status == "resolved" else None,
            "team_id": team_id,
            "queued_at": None if agent else created,
            "assigned_at": created if agent else None,
            "awaiting_reply_since": last if status == "open" else None,
            "out_of_hours": False,
            "priority": rng.choices(["none", "low", "medium", "high", "urgent"], [70, 10, 10, 7, 3])[0],
            "snoozed_until": None,
            "rating_score": rng.randint(1, 5) if status == "resolved" and rng.random() < 0.2 else None,
            "rating_comment": None,
            "transcript_email": None,
        }
    )
    for label, share in LABELS.items():
        if rng.random() < share:
            out.labels.append({"conversation_id": conversation_id, "label": label, "workspace_id": staff.workspace_id})
    at = created
    for seq in range(1, n + 1):
        out.messages.append(_message(rng, staff, conversation_id, contact, agent, seq, at, next(bodies)))
        if seq < n:
            at += timedelta(seconds=gaps[seq - 1])


def _message(
    rng: random.Random,
    staff: Staff,
    conversation_id: str,
    contact: dict[str, Any],
    agent: tuple[str, str] | None,
    seq: int,
    at: datetime,
    body: str,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": new_sortable_id(),  # as the app writes them (ids.py)
        "workspace_id": staff.workspace_id,
        "conversation_id": conversation_id,
        "seq": seq,
        "author_type": "visitor",
        "author_id": contact["id"],
        "author_name": contact["name"],
        "body": body,
        "private": False,
        "client_ref": None,
        "system": None,
        "attachments": [],
        "created_at": at,
    }
    if agent is None or seq == 1:
        return row
    if seq == 2:  # the assignment, as routing announces it
        row.update(author_type="system", author_id=None, author_name="Frontdesk", system=_assigned(agent))
        row["body"] = f"{agent[1]} joined the chat"
    elif seq % 2 == 1 or rng.random() < 0.15:  # agents answer, sometimes twice in a row
        row.update(author_type="agent", author_id=agent[0], author_name=agent[1], private=rng.random() < 0.03)
    return row


def _assigned(agent: tuple[str, str]) -> dict[str, Any]:
    return {"action": "assignee", "assignee_id": agent[0], "by": None}


def rebind(data: Generated, old: Staff, new: Staff) -> None:
    """Point generated rows at another database's workspace, website, teams and agents
    (made in the same order), so one generated workspace loads into both databases."""
    ids = {old.workspace_id: new.workspace_id, old.website_id: new.website_id}
    for (old_team, old_members), (new_team, new_members) in zip(old.teams.items(), new.teams.items(), strict=True):
        ids[old_team] = new_team
        ids.update((o[0], n[0]) for o, n in zip(old_members, new_members, strict=True))
    keys = ("workspace_id", "website_id", "team_id", "assignee_id", "author_id")
    for rows in (data.contacts, data.conversations, data.labels, data.messages):
        for row in rows:
            for key in keys:
                if key in row and row[key] in ids:
                    row[key] = ids[row[key]]
            if row.get("system"):
                row["system"] = {**row["system"], "assignee_id": ids[row["system"]["assignee_id"]]}
