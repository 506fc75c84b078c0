"""Nothing acknowledged is lost, nothing is stored twice, and every socket gets what it
should, once and in order, while sockets drop mid-send, nodes are SIGKILLed mid-commit
and Redis restarts: 30 visitors and 3 agents over the documented protocol, on one node
with SQLite and on two nodes with PostgreSQL + Redis (tests/noloss/ says what is counted
and why). ``make soak`` runs the same for ten minutes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.noloss.cluster import Cluster, sqlite_cluster, two_node_cluster
from tests.noloss.run import Size, drive

# About 40 s (SQLite) and 55 s (two nodes) on a 2-core host; one at a time, as each
# keeps both cores busy.
pytestmark = [pytest.mark.xdist_group("noloss"), pytest.mark.timeout(240)]


@pytest.fixture
def one_node(tmp_path: Path) -> Iterator[Cluster]:
    with sqlite_cluster(tmp_path) as cluster:
        yield cluster


@pytest.fixture
def two_nodes(tmp_path: Path) -> Iterator[Cluster]:
    with two_node_cluster(tmp_path) as cluster:
        yield cluster


async def test_sigkill_and_dropped_sockets_lose_nothing_on_sqlite(one_node: Cluster) -> None:
    """The node is killed twice mid-traffic and restarted; clients reconnect to it."""
    await _check(one_node, Size(seconds=30, node_kills=2), seed=1)


async def test_node_kills_and_a_redis_restart_lose_nothing_on_two_nodes(two_nodes: Cluster) -> None:
    """Node A is killed (its clients move to B) and comes back, Redis restarts, then B."""
    await _check(two_nodes, Size(seconds=40, node_kills=2, redis_restarts=1), seed=2)


async def _check(cluster: Cluster, size: Size, seed: int) -> None:
    report = await drive(cluster, size, seed)
    print(report.text())
    assert not report.counts.failures(), f"{report.text()}\n{cluster.output()}"
    assert report.ledger.events["fault: node SIGKILLed"] == size.node_kills
    assert report.ledger.events["fault: socket dropped mid-send"] > 0
    assert report.ledger.events["fault: Redis restarted"] == (size.redis_restarts if cluster.redis else 0)
