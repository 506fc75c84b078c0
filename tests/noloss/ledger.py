"""What every socket was told and what it received, and the counts made from it against
the database at the end (the package docstring defines each count)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tests.noloss.snapshot import Snapshot, View


@dataclass(frozen=True, slots=True)
class Delivery:
    """One ``message.created`` frame, as a socket received it."""

    conversation_id: str
    seq: int
    message_id: str
    private: bool


@dataclass
class LinkLog:
    """One socket's lifetime, from its ``hello`` to its close: a reconnect is a new one."""

    peer: str
    index: int  # the peer's how-manieth socket
    node: str
    hello_cursors: dict[str, int]
    deliveries: list[Delivery] = field(default_factory=list)
    # conversation -> (the resume's cursor, the number of the ping sent right after it)
    resumes: dict[str, tuple[int, int]] = field(default_factory=dict)
    pongs: int = 0
    synced: bool = False

    def answered(self, conversation_id: str) -> bool:
        """The replay a ``resume`` asked for is complete: a socket's frames leave through
        one queue, so the pong to the ping sent after the resume follows it."""
        ping = self.resumes[conversation_id][1]
        return self.pongs >= ping


@dataclass
class PeerLog:
    """One simulated client: a visitor (its contact id) or an agent (its actor)."""

    name: str
    kind: str  # "visitor" | "agent"
    contact_id: str = ""
    agent_email: str = ""
    links: list[LinkLog] = field(default_factory=list)


@dataclass
class Ledger:
    """Everything the run did, filled in by the peers and the fault injector."""

    peers: list[PeerLog] = field(default_factory=list)
    sent: dict[str, str] = field(default_factory=dict)  # client_ref -> peer
    acked: dict[str, str] = field(default_factory=dict)  # client_ref -> message id from the ack
    refused: dict[str, str] = field(default_factory=dict)  # client_ref -> error code (never retried)
    events: Counter[str] = field(default_factory=Counter)  # faults injected and what clients went through
    in_flight: int = 0  # sends written and not answered yet

    def peer(self, name: str, kind: str) -> PeerLog:
        log = PeerLog(name, kind)
        self.peers.append(log)
        return log


COUNTS = (
    "lost",
    "stored twice",
    "never delivered",
    "delivered twice on one socket",
    "resent at or below the hello cursor",
    "skipped on a tracked stream",
    "out of order",
    "delivered but not stored",
    "private note sent to a visitor",
    "never acknowledged",
    "refused",
)


@dataclass
class Counts:
    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, what: str, n: int = 1, example: str = "") -> None:
        if n <= 0:
            return
        self.counts[what] += n
        if example and len(self.examples.setdefault(what, [])) < 5:
            self.examples[what].append(example)

    def failures(self) -> dict[str, int]:
        return {what: n for what, n in self.counts.items() if n}


def count(ledger: Ledger, snap: Snapshot) -> Counts:
    result = Counts()
    _count_refs(ledger, snap, result)
    for peer in ledger.peers:
        view = snap.view(peer)
        held: set[str] = set()
        for link in peer.links:
            held.update(d.message_id for d in link.deliveries)
            _count_link(peer, link, snap, view, result)
        for message_id in sorted(view.ids - held):
            message = snap.messages[message_id]
            result.add("never delivered", 1, f"{peer.name}: {message.conversation_id} seq {message.seq}")
    return result


def _count_refs(ledger: Ledger, snap: Snapshot, result: Counts) -> None:
    for ref, message_id in ledger.acked.items():
        stored = snap.by_ref.get(ref, [])
        if message_id not in stored:
            result.add("lost", 1, f"{ref} acked as {message_id}, stored {stored}")
    for ref, ids in snap.by_ref.items():
        result.add("stored twice", len(ids) - 1, f"{ref}: {ids}")
    for ref in ledger.sent.keys() - ledger.acked.keys() - ledger.refused.keys():
        result.add("never acknowledged", 1, f"{ref} of {ledger.sent[ref]}")
    for ref, code in ledger.refused.items():
        result.add("refused", 1, f"{ref} of {ledger.sent[ref]}: {code}")


def _count_link(peer: PeerLog, link: LinkLog, snap: Snapshot, view: View, result: Counts) -> None:
    where = f"{peer.name} socket {link.index} on {link.node}"
    ids = Counter(d.message_id for d in link.deliveries)
    result.add("delivered twice on one socket", sum(n - 1 for n in ids.values()), f"{where}: {ids.most_common(1)}")
    streams: dict[str, list[Delivery]] = {}
    for d in link.deliveries:
        streams.setdefault(d.conversation_id, []).append(d)
        stored = snap.at.get((d.conversation_id, d.seq))
        if stored != d.message_id:
            result.add("delivered but not stored", 1, f"{where}: {d} (stored there: {stored})")
        if d.private and peer.kind == "visitor":
            result.add("private note sent to a visitor", 1, f"{where}: {d}")
        cursor = link.hello_cursors.get(d.conversation_id)
        if cursor is not None and d.seq <= cursor:
            result.add("resent at or below the hello cursor", 1, f"{where}: seq {d.seq}, cursor {cursor}")
    for conversation_id, stream in streams.items():
        _count_stream(peer, link, conversation_id, stream, view, result)


def _count_stream(
    peer: PeerLog,
    link: LinkLog,
    conversation_id: str,
    stream: list[Delivery],
    view: View,
    result: Counts,
) -> None:
    """Order and holes of one conversation on one socket."""
    where = f"{peer.name} socket {link.index} on {link.node}, {conversation_id}"
    tracked = peer.kind == "visitor" or conversation_id in link.hello_cursors
    first = stream[0].seq
    # Below an agent's first sight of an untracked chat: history that a resume asked for
    # (or a late arrival), outside the ordered stream (see the package docstring).
    main = [d.seq for d in stream if tracked or d.seq >= first]
    top = 0
    for seq in main:
        if seq < top:
            result.add("out of order", 1, f"{where}: seq {seq} after {top}")
        top = max(top, seq)
    if tracked:
        since = link.hello_cursors.get(conversation_id, 0)
    elif conversation_id in link.resumes and link.answered(conversation_id):
        since = link.resumes[conversation_id][0]
        top = max(d.seq for d in stream)
    else:
        since = first - 1
    got = {d.seq for d in stream}
    missing = [s for s in view.seqs.get(conversation_id, []) if since < s <= top and s not in got]
    result.add("skipped on a tracked stream", len(missing), f"{where}: from {since} to {top}, missing {missing[:10]}")
