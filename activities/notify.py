"""Notifications: write the outbox (in-app and e-mail rows), then deliver e-mail over SMTP.

Both activities are idempotent. ``notify`` inserts by key, so a retry or a replayed workflow
adds nothing; ``deliver_email`` returns at once for a row already sent, so a retry after a
success never sends twice. A failed send leaves the row ``failed`` with its error and raises,
and Temporal retries it with the backoff the workflow chose; a message that cannot even be
built is ``failed`` with the reason at once and not retried (building again cannot help).
"""

import smtplib
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import recipients, templates
from activities.mailer import OutgoingMail, SmtpMailer, UnbuildableMail
from activities.names import DELIVER_EMAIL, NOTIFY
from states.errors import ErrorType
from states.models import NotifyInput
from states.paper import Paper
from store import outbox, register
from store.db import session_scope
from store.outbox import Channel, Delivery, notification_key
from store.tables import Notification, User

SMTP_ERROR = "smtp_error"
SMTP_NOT_CONFIGURED = "smtp_not_configured"
UNBUILDABLE = "email_unbuildable"
NO_ADDRESS = "no_email_address"
# Where the pages are served when no address is configured (KIEMTRA_PUBLIC_URL).
DEFAULT_PUBLIC_URL = "http://localhost:8000"


class NotifyActivities:
    """Outbox and delivery; the worker hands in a ready engine and, if SMTP is set, a mailer."""

    def __init__(
        self,
        engine: Engine,
        mailer: SmtpMailer | None = None,
        public_url: str = DEFAULT_PUBLIC_URL,
    ) -> None:
        self._engine = engine
        self._mailer = mailer
        self._public_url = public_url

    @activity.defn(name=NOTIFY)
    def notify(self, inp: NotifyInput) -> list[int]:
        """Write one in-app row per recipient, and one e-mail row for those with an address.

        Returns the ids of the e-mail rows still to deliver (pending or failed), including
        rows an earlier attempt wrote, so the caller can start delivering each of them.
        """
        with session_scope(self._engine) as session:
            return write_outbox(
                session, inp, email=self._mailer is not None, public_url=self._public_url
            )

    @activity.defn(name=DELIVER_EMAIL)
    def deliver_email(self, notification_id: int) -> None:
        """Send one e-mail row unless it was sent already; record every failed attempt."""
        with Session(self._engine) as session:
            found = outbox.email_with_recipient(session, notification_id)
            if found is None:
                raise ApplicationError(
                    f"no e-mail notification {notification_id}",
                    type=ErrorType.NOT_FOUND.value,
                    non_retryable=True,
                )
            row, user = found
            if row.status == Delivery.SENT.value:
                return
            mail = _mail(row, user)
        if self._mailer is None or not mail.to:
            # Retrying cannot help: this worker has no SMTP server, or the person no address.
            reason = "SMTP is not configured" if self._mailer is None else "no e-mail address"
            self._failed(notification_id, reason)
            raise ApplicationError(
                f"e-mail {notification_id} not sent: {reason}",
                type=SMTP_NOT_CONFIGURED if self._mailer is None else NO_ADDRESS,
                non_retryable=True,
            )
        try:
            self._mailer.send(
                mail, accepted=lambda: self._record_sent(notification_id, datetime.now(UTC))
            )
        except UnbuildableMail as exc:
            # Without this the activity would raise the build error on every attempt and
            # the row would stay "pending" with no reason once the attempts ran out.
            reason = f"message cannot be built: {exc}"
            self._failed(notification_id, reason)
            raise ApplicationError(
                f"e-mail {notification_id} not sent: {reason}", type=UNBUILDABLE, non_retryable=True
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            self._failed(notification_id, error)
            raise ApplicationError(
                f"e-mail {notification_id} not sent: {error}", type=SMTP_ERROR
            ) from exc

    def _record_sent(self, notification_id: int, at: datetime) -> None:
        """Persist a delivery the SMTP server accepted, retrying inside this attempt.

        A failure here must not fail the attempt while time is left: Temporal's retry would
        send the message again. Only a worker killed in the instant between the server's
        acceptance and this commit can still cause a second copy (with the same Message-ID).
        """
        deadline = time.monotonic() + _time_left()
        pause = 0.2
        while True:
            try:
                with session_scope(self._engine) as session:
                    outbox.mark_sent(session, notification_id, at)
                return
            except DBAPIError:
                if time.monotonic() + pause > deadline:
                    raise
                activity.logger.warning("e-mail %s sent; recording it again soon", notification_id)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _failed(self, notification_id: int, error: str) -> None:
        activity.logger.warning("e-mail %s not sent: %s", notification_id, error)
        with session_scope(self._engine) as session:
            outbox.mark_failed(session, notification_id, error)


def write_outbox(
    session: Session, inp: NotifyInput, *, email: bool, public_url: str = DEFAULT_PUBLIC_URL
) -> list[int]:
    """The outbox rows of one notification (in the caller's transaction), written once.

    Returns the ids of its e-mail rows still to deliver (``email``: SMTP is configured).
    """
    inp = inp.model_copy(update={"payload": told(session, inp, public_url)})
    text = templates.render(inp.kind, inp.payload, inp.deadline)
    now = datetime.now(UTC)
    rows: list[Notification] = []
    for user in recipients.resolve(session, inp):
        rows.append(_row(inp, text, user, Channel.IN_APP, now))
        if email and user.email:
            rows.append(_row(inp, text, user, Channel.EMAIL, now))
    outbox.insert_once(session, rows)
    return outbox.undelivered_ids(
        session, [r.key for r in rows if r.channel == Channel.EMAIL.value]
    )


def told(session: Session, inp: NotifyInput, public_url: str) -> dict[str, Any]:
    """The workflow's payload and what only the records know: the number and date the
    register gave the notice and the conclusion (a number allocated, not typed, is not in
    the snapshot), and the link to the page the notice is about."""
    payload = dict(inp.payload)
    if inp.inspection_id:
        for paper, (number, on) in register.papers_of(
            session, inp.inspection_id, (Paper.NOTICE.value, Paper.CONCLUSION.value)
        ).items():
            if not payload.get(f"{paper}_number"):
                payload[f"{paper}_number"] = number
            if on is not None and not payload.get(f"{paper}_date"):
                payload[f"{paper}_date"] = on.isoformat()
    base = public_url.rstrip("/")
    payload["link"] = (
        f"{base}/inspections/{inp.inspection_id}" if inp.inspection_id else f"{base}/work"
    )
    return payload


def _time_left() -> float:
    """Seconds this attempt may still spend recording a sent e-mail.

    Three quarters of the attempt's own timeout, counted from its start: past the timeout
    the server schedules another attempt, which would find the row unsent and send again.
    """
    info = activity.info()
    timeout = info.start_to_close_timeout or timedelta(seconds=60)
    ends = info.started_time + timeout * 0.75
    return max((ends - datetime.now(UTC)).total_seconds(), 0.0)


def _row(
    inp: NotifyInput,
    text: templates.Rendered,
    user: User,
    channel: Channel,
    now: datetime,
) -> Notification:
    in_app = channel is Channel.IN_APP
    return Notification(
        key=notification_key(inp.inspection_id, inp.kind.value, inp.deadline, user.id, channel),
        inspection_id=inp.inspection_id or None,
        recipient_user_id=user.id,
        channel=channel.value,
        kind=inp.kind.value,
        deadline=inp.deadline,
        subject_vi=text.subject_vi,
        subject_en=text.subject_en,
        body_vi=text.body_vi,
        body_en=text.body_en,
        payload=inp.payload,
        # Writing an in-app row is its delivery.
        status=Delivery.SENT.value if in_app else Delivery.PENDING.value,
        created_at=now,
        sent_at=now if in_app else None,
    )


def _mail(row: Notification, user: User) -> OutgoingMail:
    """Vietnamese first (the offices' language), then the English text."""
    body = f"{row.body_vi}\n\n---\n{row.subject_en}\n\n{row.body_en}\n"
    # A complainant is no account: the row holds the address.
    return OutgoingMail(
        to=row.recipient_address or user.email, subject=row.subject_vi, body=body, key=row.key
    )
