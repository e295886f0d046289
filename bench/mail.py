"""The outbox's side of `make bench`: a counting SMTP sink on 127.0.0.1, the delivery
worker (`flask --app bench.app deliver`) as a real subprocess, and a bare smtplib sender
that sets the worker's floor.

    .venv/bin/python -m bench.mail --port 8025 --count 2000   # the bare sender alone

The sink (aiosmtpd, in a thread of the bench process) accepts every message and keeps
only a count and the times of the first and last arrivals: nothing is stored, nothing
leaves the machine.
"""

import argparse
import os
import signal
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from aiosmtpd.controller import Controller

from bench.server import ROOT, free_port

HOST = "127.0.0.1"
# The worker's own round (deliver_due's default): one SMTP connection per 20 messages.
ROUND = 20


class Counting:
    """An aiosmtpd handler that counts what arrives and when, and keeps nothing else."""

    def __init__(self):
        self.count = 0
        self.bytes = 0
        self.first: float | None = None
        self.last: float | None = None

    async def handle_DATA(self, _server, _session, envelope) -> str:
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        self.last = now
        self.count += 1
        self.bytes += len(envelope.content or b"")
        return "250 Message accepted"


class Sink:
    """A local SMTP server that counts: `with Sink() as sink: ... sink.count`."""

    def __init__(self):
        self.port = free_port()
        self.handler = Counting()
        self.controller = Controller(self.handler, hostname=HOST, port=self.port, ready_timeout=10)

    def __enter__(self) -> "Sink":
        self.controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.controller.stop()

    @property
    def count(self) -> int:
        return self.handler.count

    def reset(self) -> None:
        self.handler.count = self.handler.bytes = 0
        self.handler.first = self.handler.last = None

    def wait_for(self, count: int, seconds: float) -> bool:
        """Wait until at least `count` messages have arrived, for at most `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.handler.count >= count:
                return True
            time.sleep(0.05)
        return self.handler.count >= count

    def rate(self) -> float:
        """Messages a second between the first and the last arrival (0 for fewer than 2)."""
        handler = self.handler
        if handler.count < 2 or handler.first is None or handler.last is None:
            return 0.0
        span = handler.last - handler.first
        return (handler.count - 1) / span if span > 0 else 0.0


def worker_env(env: dict[str, str], port: int, poll_seconds: float) -> dict[str, str]:
    """The app's environment plus a plain-text mail server on the loopback sink."""
    return {
        **os.environ,
        **env,
        "RECRUIT_MAIL_SERVER": HOST,
        "RECRUIT_MAIL_PORT": str(port),
        "RECRUIT_MAIL_USE_TLS": "0",
        "RECRUIT_MAIL_TIMEOUT_SECONDS": "10",
        "RECRUIT_MAIL_POLL_SECONDS": str(poll_seconds),
    }


class Worker:
    """`flask --app bench.app deliver` in its own process, as it runs beside gunicorn."""

    def __init__(self, env: dict[str, str], port: int, log: Path, once: bool, poll: float = 1):
        command = [sys.executable, "-m", "flask", "--app", "bench.app", "deliver"]
        if once:
            command.append("--once")
        self.log = log
        self.started = time.perf_counter()
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command,
                env=worker_env(env, port, poll),
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )

    def wait(self, seconds: float) -> float:
        """Wait for a --once worker to finish; its whole run in seconds, start-up included."""
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired as late:
            self.stop()
            raise SystemExit(
                f"the delivery worker ran over {seconds:.0f} s; see {self.log}"
            ) from late
        if code != 0:
            raise SystemExit(f"the delivery worker exited with {code}; see {self.log}")
        return time.perf_counter() - self.started

    def stop(self) -> None:
        """Ctrl-C, as an operator stops it; kill it if it will not stop."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def bare_message(number: int, body_chars: int) -> EmailMessage:
    """A message shaped like Recruit's confirmation, built without the app."""
    email = EmailMessage()
    email["From"] = "internships@procurement.state.example"
    email["To"] = f"student{number}@university.example"
    email["Subject"] = "We received your interest form"
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="procurement.state.example")
    email.set_content(("Thank you for your interest. " * (body_chars // 30 + 1))[:body_chars])
    return email


def send_bare(port: int, count: int, body_chars: int = 600) -> None:
    """Send `count` messages with smtplib alone, one connection per ROUND, as the worker does."""
    for start in range(0, count, ROUND):
        with smtplib.SMTP(HOST, port, timeout=10) as smtp:
            for number in range(start, min(start + ROUND, count)):
                smtp.send_message(bare_message(number, body_chars))


def run_bare(port: int, count: int, body_chars: int, seconds: float) -> float:
    """The bare sender in its own process, like the worker; its whole run in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.mail",
            "--port",
            str(port),
            "--count",
            str(count),
            "--body-chars",
            str(body_chars),
        ],
        cwd=ROOT,
        check=True,
        timeout=seconds,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="Send bare messages to a local SMTP sink.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--body-chars", type=int, default=600)
    args = parser.parse_args()
    send_bare(args.port, args.count, args.body_chars)


if __name__ == "__main__":
    main()
