"""What /proc says about processes and the machine: memory and CPU, for the figures and
for naming what limited them."""

from __future__ import annotations

import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
# Processes that serve Frontdesk without being Frontdesk: their CPU is charged to "db".
DB_COMMANDS = {"postgres", "redis-server"}


def rss_bytes(pid: int) -> int:
    fields = Path(f"/proc/{pid}/statm").read_text().split()
    return int(fields[1]) * PAGE


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (its threads included)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def db_cpu_seconds() -> float:
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm in DB_COMMANDS:
                total += cpu_seconds(int(entry.name))
    return total


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / TICKS, total / TICKS


@dataclass(frozen=True)
class CpuSample:
    at: float
    server: float
    clients: float
    db: float
    busy: float


def sample(server_pids: list[int], client_pids: list[int]) -> CpuSample:
    busy, _ = machine_busy_seconds()
    return CpuSample(
        at=time.monotonic(),
        server=sum(cpu_seconds(p) for p in server_pids),
        clients=sum(cpu_seconds(p) for p in client_pids),
        db=db_cpu_seconds(),
        busy=busy,
    )


def cpu_use(before: CpuSample, after: CpuSample) -> dict[str, float]:
    """Cores used by each party between two samples (1.0 = one core fully busy);
    ``other`` is what ran on the machine besides us (other engineers' tests too)."""
    wall = max(after.at - before.at, 1e-6)
    server = (after.server - before.server) / wall
    clients = (after.clients - before.clients) / wall
    db = (after.db - before.db) / wall
    busy = (after.busy - before.busy) / wall
    rounded = {"server": server, "clients": clients, "db": db, "machine": busy}
    rounded["other"] = max(busy - server - clients - db, 0.0)
    return {k: round(v, 2) for k, v in rounded.items()}


def settle(pids: list[int], idle_cores: float = 0.1, deadline_s: float = 20) -> None:
    """Wait (bounded) until these processes stop working, e.g. cleaning up after clients left."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        before = sum(cpu_seconds(p) for p in pids)
        time.sleep(0.5)
        if (sum(cpu_seconds(p) for p in pids) - before) / 0.5 < idle_cores:
            return


def machine() -> dict[str, object]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "?")
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
