"""Start and stop gunicorn on 127.0.0.1 for the bench, and read its workers' peak memory."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2


def free_port() -> int:
    """A port nothing listens on now, on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One gunicorn master with the same settings for Recruit and for the baselines."""

    def __init__(self, module: str, env: dict[str, str], log: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--chdir",
            str(ROOT),
            "--timeout",
            "60",
            "--log-level",
            "warning",
            module,
        ]
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command,
                env={**os.environ, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )

    def wait_ready(self, path: str, seconds: float = 30) -> None:
        """Wait until both workers have booted and the app answers."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}")
            try:
                response = httpx.get(self.base_url + path, timeout=2)
                if response.status_code < 500 and len(self.worker_pids()) == WORKERS:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer within {seconds} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        """The master's child processes: its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def memory_mb(self, field: str) -> list[float]:
        """One /proc status figure of each worker, in MB: VmHWM is the peak resident
        size since the worker started, VmRSS what it holds now."""
        figures = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith(f"{field}:"):
                    figures.append(round(int(line.split()[1]) / 1024, 1))
        return figures

    def stop(self) -> None:
        """Ask gunicorn to finish gracefully; kill it if it will not."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
