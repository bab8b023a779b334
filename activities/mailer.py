"""Sending e-mail over SMTP with the standard library (activities run in a thread pool).

The worker builds one ``SmtpMailer`` from its settings, or none when no SMTP host is set;
then notifications are delivered in-app only.
"""

import hashlib
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, parseaddr


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
        """The message as it goes on the wire (UTF-8, plain text)."""
        msg = EmailMessage()
        msg["From"] = formataddr((self.sender_name, self.sender))
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg["Message-ID"] = message_id_for(mail.key, self.sender)
        # RFC 3834: machine-sent, so auto-responders stay quiet.
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(mail.body)
        return msg

    def send(self, mail: OutgoingMail, accepted: Callable[[], None] = lambda: None) -> None:
        """Deliver ``mail`` to the SMTP server; raises ``smtplib.SMTPException`` or ``OSError``.

        ``accepted`` runs as soon as the server has taken the message, before the session's
        goodbye: the caller records the delivery with one round trip less in the window where
        a crash would make a retry send it again. A failed goodbye after that is ignored.
        """
        smtp = smtplib.SMTP(self.host, self.port, timeout=self._timeout)
        try:
            if self._starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self._username:
                smtp.login(self._username, self._password or "")
            smtp.send_message(self.message(mail))
            accepted()
        except BaseException:
            smtp.close()
            raise
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
