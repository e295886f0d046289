"""Where the CPU went while a load ran, per request: the app's gunicorn workers, the load
client (this process), the database server (PostgreSQL's processes), and the CPU time
that stayed idle on the machine. The load client and the database share the app's cores,
so a throughput figure is only as good as this split shows it to be."""

import os
import time
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _process_seconds(pid: int) -> float:
    """User and system CPU seconds of one process so far (0 once it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def _database_pids() -> list[int]:
    """PostgreSQL's processes on this machine (none for SQLite, which runs in the app)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _idle_seconds() -> float:
    """CPU seconds the whole machine has spent idle (all cores, waiting on disk included)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return (int(fields[3]) + int(fields[4])) / TICKS


class CpuMeter:
    """Snapshots before and after a load; per_request() splits what was spent.

    Processes are counted one by one: one that starts during the load counts from zero,
    and one that ends during it (a PostgreSQL backend whose client went away, an
    autovacuum worker) takes what it spent with it. A part is never counted below what
    its processes still running spent."""

    def __init__(self, workers: list[int]):
        self.workers = workers

    def _snapshot(self) -> dict:
        return {
            "app": {pid: _process_seconds(pid) for pid in self.workers},
            "load_client": time.process_time(),
            "database": {pid: _process_seconds(pid) for pid in _database_pids()},
            "idle": _idle_seconds(),
            "wall": time.perf_counter(),
        }

    def start(self) -> None:
        self.before = self._snapshot()

    def per_request(self, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request of each part since start(), with the cores'
        whole time per request (wall time times cores) for scale."""
        after = self._snapshot()
        spent = {}
        for name, now in after.items():
            then = self.before[name]
            if isinstance(now, dict):
                # A process gone by now reads 0; a process new since start began at 0.
                spent[name] = sum(max(0.0, s - then.get(pid, 0.0)) for pid, s in now.items())
            else:
                spent[name] = now - then
        cores = os.cpu_count() or 1
        per = {name: spent[name] * 1000 / max(requests, 1) for name in spent if name != "wall"}
        per["cores"] = spent["wall"] * cores * 1000 / max(requests, 1)
        return {name: round(value, 2) for name, value in per.items()}
