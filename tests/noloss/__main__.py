"""The soak: ``python -m tests.noloss --minutes 10`` (``make soak``). The no-loss run of
``tests/test_no_loss.py`` with a larger crowd and many more faults, its minutes split
between one node on SQLite and two nodes on PostgreSQL + Redis."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from tests.noloss.cluster import Cluster, sqlite_cluster, two_node_cluster
from tests.noloss.run import Size, drive

CONFIGURATIONS: dict[str, Callable[[Path], AbstractContextManager[Cluster]]] = {
    "sqlite": sqlite_cluster,
    "nodes": two_node_cluster,
}
# A configuration's minutes that are not traffic: starting the nodes, settling, the last
# reconnect and the counting (10-15 s at soak size on a 2-core host).
OVERHEAD_S = 15
# A node is SIGKILLed this often, and Redis restarted this often (two nodes).
KILL_EVERY_S = 30
REDIS_EVERY_S = 60


def size(seconds: float, visitors: int, agents: int) -> Size:
    return Size(
        visitors=visitors,
        agents=agents,
        seconds=seconds,
        node_kills=max(1, int(seconds // KILL_EVERY_S)),
        redis_restarts=max(1, int(seconds // REDIS_EVERY_S)),
        hot=max(3, visitors // 10),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.noloss", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10, help="in all, split between the configurations")
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--only", choices=sorted(CONFIGURATIONS), help="one configuration")
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(CONFIGURATIONS)
    seconds = max(20.0, args.minutes * 60 / len(names) - OVERHEAD_S)
    failed = False
    for name in names:
        failed |= not _soak(name, size(seconds, args.visitors, args.agents), args.seed)
    return 1 if failed else 0


def _soak(name: str, soak_size: Size, seed: int) -> bool:
    """One configuration; False when a count is not zero or it could not run."""
    with tempfile.TemporaryDirectory(prefix=f"noloss-{name}-") as var:
        try:
            with CONFIGURATIONS[name](Path(var)) as cluster:
                report = asyncio.run(drive(cluster, soak_size, seed))
                print(report.text(), flush=True)
                if report.counts.failures():
                    print(cluster.output(), flush=True)
                    return False
                return True
        except (pytest.skip.Exception, pytest.fail.Exception) as exc:  # tests/services.py: a service is missing
            print(f"*** {name}: not run: {exc}", flush=True)
            return False


if __name__ == "__main__":
    sys.exit(main())
