"""A real SMTP server (aiosmtpd) on a free port, whose handler keeps what it received."""

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """Every message accepted, parsed; ``refuse`` recipients are answered 550 first."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        # Every envelope recipient accepted, in order (a message's headers need not say).
        self.recipients: list[str] = []
        self.refuse = 0
        # Called once a message is accepted, before the client hears so: a fault can land
        # exactly in the window between the server's acceptance and the sender's bookkeeping.
        self.on_accept: Callable[[], None] | None = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        self.recipients.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        if self.on_accept is not None:
            self.on_accept()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[Mailbox, int]]:
    """Serve a fresh mailbox on ``port`` (a free one by default) until the block ends."""
    mailbox = Mailbox()
    port = port or free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()
