"""Sending e-mail over SMTP with the standard library (activities run in a thread pool).

The worker builds one ``SmtpMailer`` from its settings, or none when no SMTP host is set;
then notifications are delivered in-app only.

A message is built completely (down to its bytes) before any connection is opened, so a
message that cannot exist is told apart from a server that cannot be reached: the first is
``UnbuildableMail`` and will fail the same way every time, the second is worth retrying.
"""

import hashlib
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import formataddr, getaddresses, parseaddr
from typing import NamedTuple

# Line breaks and the other control characters: never part of a header value.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class OutgoingMail:
    """One message to one recipient; ``key`` is the notification's idempotency key."""

    to: str
    subject: str
    body: str
    key: str


def message_id_for(key: str, sender: str) -> str:
    """A Message-ID that depends only on the notification key.

    A retry after a send whose acknowledgement was lost carries the same id, so a receiving
    system that de-duplicates by Message-ID shows the message once.
    """
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "kiemtra.invalid"
    return f"<{digest}@{domain}>"


class UnbuildableMail(Exception):
    """The message cannot be built from what the notification holds."""


class Wire(NamedTuple):
    """A built message: the envelope recipient and the bytes to send."""

    recipient: str
    data: bytes
    # A non-ASCII address needs the server's SMTPUTF8 extension (RFC 6531).
    smtputf8: bool


def header_text(text: str) -> str:
    """``text`` on one line: a line break in a header value would end the header and start
    another (header injection), so every control character becomes a space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def one_address(text: str) -> str:
    """The single address ``text`` names; anything else (a list, a line break, no address)
    would send the message somewhere nobody chose."""
    found = getaddresses([text])
    address = parseaddr(text)[1]
    if _CONTROL.search(text) or len(found) != 1 or "@" not in address:
        raise UnbuildableMail(f"not one e-mail address: {text!r}")
    return address


class SmtpMailer:
    """Sends one message per SMTP session; errors propagate so the activity can retry."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        sender: str,
        sender_name: str = "Kiểm tra công vụ",
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.sender_name = sender_name
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    def message(self, mail: OutgoingMail) -> EmailMessage:
        """The message (UTF-8, plain text); raises ``UnbuildableMail``."""
        try:
            msg = EmailMessage()
            msg["From"] = formataddr((self.sender_name, self.sender))
            msg["To"] = one_address(mail.to)
            msg["Subject"] = header_text(mail.subject)
            msg["Message-ID"] = message_id_for(mail.key, self.sender)
            # RFC 3834: machine-sent, so auto-responders stay quiet.
            msg["Auto-Submitted"] = "auto-generated"
            msg.set_content(mail.body)
        except (ValueError, TypeError, LookupError, MessageError) as exc:
            raise UnbuildableMail(f"{type(exc).__name__}: {exc}") from exc
        return msg

    def wire(self, mail: OutgoingMail) -> Wire:
        """The message as it goes on the wire, flattened as ``send_message`` would flatten
        it; raises ``UnbuildableMail`` (a character no encoding carries shows only here)."""
        msg = self.message(mail)
        recipient = parseaddr(str(msg["To"]))[1]
        smtputf8 = not (recipient.isascii() and self.sender.isascii())
        try:
            data = msg.as_bytes(policy=SMTPUTF8 if smtputf8 else SMTP)
        except (ValueError, TypeError, LookupError, MessageError) as exc:
            raise UnbuildableMail(f"{type(exc).__name__}: {exc}") from exc
        return Wire(recipient, data, smtputf8)

    def send(self, mail: OutgoingMail, accepted: Callable[[], None] = lambda: None) -> None:
        """Deliver ``mail`` to the SMTP server; raises ``UnbuildableMail`` before connecting,
        ``smtplib.SMTPException`` or ``OSError`` for the server.

        ``accepted`` runs as soon as the server has taken the message, before the session's
        goodbye: the caller records the delivery with one round trip less in the window where
        a crash would make a retry send it again. A failed goodbye after that is ignored.
        """
        wire = self.wire(mail)
        options = ["SMTPUTF8", "BODY=8BITMIME"] if wire.smtputf8 else []
        smtp = smtplib.SMTP(self.host, self.port, timeout=self._timeout)
        try:
            if self._starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.sendmail(self.sender, [wire.recipient], wire.data, mail_options=options)
            accepted()
        except BaseException:
            smtp.close()
            raise
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
