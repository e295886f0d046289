"""A real SMTP server on 127.0.0.1 for delivery tests: it keeps what it receives and can
be told to refuse (4xx or 5xx), drop the connection, or hang until the test lets it go."""

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class SmtpServer:
    """The aiosmtpd handler and what the test sees: received messages and the switches."""

    def __init__(self):
        self.port = 0
        self.received: list[EmailMessage] = []
        self._mode = "accept"
        self._at = "data"
        self._reply = ""
        # Set when a conversation reaches the hang; the test sets `release` to end it.
        self.reached = threading.Event()
        self.release = threading.Event()

    # --- switches the tests use ----------------------------------------------------------

    @property
    def config(self) -> dict:
        """App settings that send to this server (plain SMTP, short time-out)."""
        return {
            "MAIL_SERVER": HOST,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_TIMEOUT_SECONDS": 5,
        }

    def accept(self) -> None:
        """Take every message (the default)."""
        self._mode = "accept"

    def refuse(self, reply: str, at: str = "rcpt") -> None:
        """Answer `reply` (e.g. "451 4.7.1 Try again later") to RCPT or to the DATA."""
        assert at in ("rcpt", "data")
        self._mode, self._reply, self._at = "refuse", reply, at

    def drop(self) -> None:
        """Close the connection once a message's data arrives, without answering."""
        self._mode = "drop"

    def hang(self) -> None:
        """Stop answering once a message's data arrives, until `release` is set."""
        self.reached.clear()
        self.release.clear()
        self._mode = "hang"

    def message_ids(self) -> list[str]:
        """The Message-IDs received, in order (unfolded: a long one may start with a space)."""
        return [message["Message-ID"].strip() for message in self.received]

    # --- aiosmtpd hooks ------------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._mode == "refuse" and self._at == "rcpt":
            return self._reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self._mode == "refuse":
            return self._reply
        if self._mode == "drop":
            # abort(), unlike close(), writes nothing more: the client sees no answer.
            server.transport.abort()
            return "421 4.4.2 Closing"
        if self._mode == "hang":
            self.reached.set()
            # Wait off the event loop, so the server still takes other connections.
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        self.received.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 2.0.0 Queued"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free port of 127.0.0.1, stopped (and any hang released)
    after the test."""
    handler = SmtpServer()
    controller = None
    for _ in range(5):  # another process may take the free port first
        handler.port = _free_port()
        controller = Controller(handler, hostname=HOST, port=handler.port)
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            controller = None
    assert controller is not None, "the test SMTP server did not start"
    yield handler
    handler.release.set()
    controller.stop()
