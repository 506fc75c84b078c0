"""What an agent asks of a big workspace, as REST requests: inbox views and searches.

Each case is one request shape measured ``repeats`` times in a row over one keep-alive
connection (an agent clicking around, not a crowd). A search case rotates through a
pool of words of the same kind, so no two requests in a row search for the same thing.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from benchmarks.corpus import Corpus

# The goals, in server time (the Server-Timing header).
GOAL_INBOX_MS = 100
GOAL_SEARCH_MS = 200
INBOX_LIMIT = 50  # a screenful and a half; the console asks for up to 100 (measured too)
WARMUP = 2  # requests per case before measuring: the first pays for cold caches and plans


@dataclass
class Case:
    kind: str  # "inbox" or "search"
    name: str
    path: str
    params: list[dict[str, str]]  # rotated through, one per request
    login: str = "owner"
    samples: list[tuple[float, float]] = field(default_factory=list)  # (client ms, server ms)
    results: list[int] = field(default_factory=list)

    def measure(self, http: httpx.Client, repeats: int) -> None:
        for i, params in enumerate(itertools.islice(itertools.cycle(self.params), WARMUP + repeats)):
            began = time.perf_counter()
            response = http.get(self.path, params=params)
            client_ms = (time.perf_counter() - began) * 1000
            response.raise_for_status()
            if i >= WARMUP:
                self.samples.append((client_ms, _server_ms(response)))
                body = response.json()
                self.results.append(len(body.get("items", body.get("messages", body))))

    def figures(self) -> dict[str, Any]:
        goal = GOAL_INBOX_MS if self.kind == "inbox" else GOAL_SEARCH_MS
        client, server = ([s[k] for s in self.samples] for k in (0, 1))
        return {
            "kind": self.kind,
            "name": self.name,
            "login": self.login,
            "example": self.params[0],
            "requests": len(self.samples),
            "results_min": min(self.results),
            "client_ms": _percentiles(client),
            "server_ms": _percentiles(server),
            "goal_ms": goal,
            "met": _percentiles(server)["p95"] <= goal,
        }


def _server_ms(response: httpx.Response) -> float:
    timing = response.headers.get("server-timing", "")
    for part in timing.split(";"):
        if part.strip().startswith("dur="):
            return float(part.strip()[4:])
    raise RuntimeError(f"no Server-Timing duration in the response, got {timing!r}")


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "max": round(ordered[-1], 1)}


@dataclass(frozen=True)
class Ids:
    """What the requests refer to in this database."""

    team_id: str  # a team other than the default one
    agent_id: str  # an agent holding chats in that team
    label: str


def inbox_cases(ids: Ids) -> list[Case]:
    def view(name: str, login: str = "owner", limit: int = INBOX_LIMIT, **params: str) -> Case:
        return Case("inbox", name, "/api/v1/conversations", [{**params, "limit": str(limit)}], login)

    return [
        view("all open", status="open"),
        view("all open, 100 a page (the console's request)", limit=100, status="open"),
        view("mine, open", assignee="me", status="open"),
        view("unassigned, open", assignee="none", status="open"),
        view("team, open", team=ids.team_id, status="open"),
        view(f"label {ids.label!r}, open", label=ids.label, status="open"),
        view(f"label {ids.label!r}, any status", label=ids.label),
        view("resolved", status="resolved"),
        view("everything (no filter)"),
        view("an agent's own teams, open", login="agent", status="open"),
    ]


def second_pages(http: httpx.Client) -> list[Case]:
    """Page 2 of two views: the cursor comes from page 1 of the same view."""
    cases = []
    for name, params in (("all open, page 2", {"status": "open"}), ("everything, page 2", {})):
        query = {**params, "limit": str(INBOX_LIMIT)}
        cursor = http.get("/api/v1/conversations", params=query).json()["next_cursor"]
        if cursor:
            cases.append(Case("inbox", name, "/api/v1/conversations", [{**query, "cursor": cursor}]))
    return cases


def badges(http: httpx.Client) -> list[Case]:
    """The console's unread counts, asked with every inbox load, where the server has them."""
    path = "/api/v1/conversations/unread-counts"
    return [Case("inbox", "unread counts (the badges)", path, [{}])] if http.get(path).status_code == 200 else []


def search_cases(corpus: Corpus, ids: Ids, now: datetime) -> list[Case]:
    selective = corpus.rank_band(12_000, 25_000, 10)  # a few dozen messages each in 1M
    common = corpus.rank_band(8, 40, 10)  # 3-10% of all messages each
    very_common = corpus.rank_band(1, 4, 4)  # in most messages
    month_ago = (now - timedelta(days=30)).isoformat()
    half_year = [(now - timedelta(days=d)).isoformat() for d in (200, 170)]

    def search(name: str, queries: list[str], login: str = "owner", **params: str) -> Case:
        return Case("search", name, "/api/v1/search", [{"q": q, **params} for q in queries], login)

    pairs = [f"{a} {b}" for a, b in zip(common, common[1:] + common[:1], strict=True)]
    return [
        search("selective word (~50 matches)", selective),
        search("common word (3-10% of messages)", common),
        search("very common word (most messages)", very_common),
        search("two common words", pairs),
        search("common + selective word", [f"{c} {s}" for c, s in zip(common, selective, strict=True)]),
        search("prefix of 3 letters", [w[:3] for w in common]),
        search("no match", ["zqxjv", "qqzzkx"]),
        search("common word, status open", common, status="open"),
        search("selective word, status resolved", selective, status="resolved"),
        search(f"common word, label {ids.label!r}", common, label=ids.label),
        search("common word, one agent's", common, assignee_id=ids.agent_id),
        search("common word, last 30 days", common, since=month_ago),
        search("common word, a month half a year ago", common, since=half_year[0], until=half_year[1]),
        search("common word, as an agent (own teams)", common, login="agent"),
    ]


def run_cases(cases: list[Case], clients: dict[str, httpx.Client], repeats: int) -> Iterator[dict[str, Any]]:
    for case in cases:
        case.measure(clients[case.login], repeats)
        yield case.figures()
