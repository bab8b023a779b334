"""The notification outbox: idempotent inserts, the in-app inbox and e-mail delivery status."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.tables import Notification, User


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


class Delivery(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


UNDELIVERED = (Delivery.PENDING.value, Delivery.FAILED.value)
# The two supported databases; both have INSERT … ON CONFLICT DO NOTHING.
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Error text from an SMTP server can be long; the column keeps what helps an operator.
MAX_ERROR = 1000


def notification_key(
    inspection_id: str, kind: str, deadline: str, recipient_user_id: str, channel: Channel
) -> str:
    """The idempotency key: one notification per inspection, kind, deadline, recipient, channel."""
    return f"{inspection_id}:{kind}:{deadline}:{recipient_user_id}:{channel.value}"


def insert_once(session: Session, rows: Sequence[Notification]) -> None:
    """Insert the rows whose key is new; rows whose key exists are left as they are.

    ``ON CONFLICT DO NOTHING`` keeps this right when two attempts of one activity race,
    which a read-then-insert would not.
    """
    if not rows:
        return
    table: Table = Notification.__table__  # type: ignore[attr-defined]
    insert: Any = _INSERTS[session.get_bind().dialect.name]
    statement = insert(table).values([r.model_dump(exclude={"id"}) for r in rows])
    session.exec(statement.on_conflict_do_nothing(index_elements=["key"]))


def undelivered_ids(session: Session, keys: Iterable[str]) -> list[int]:
    """Ids of the e-mail rows among ``keys`` that are still pending or failed."""
    query = (
        select(Notification.id)
        .where(col(Notification.key).in_(list(keys)))
        .where(Notification.channel == Channel.EMAIL.value)
        .where(col(Notification.status).in_(UNDELIVERED))
        .order_by(col(Notification.id))
    )
    return [i for i in session.exec(query) if i is not None]


def inbox(
    session: Session, user_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[Notification], int, int]:
    """A user's in-app notifications, newest first: one page, the total and the unread count."""
    mine = select(Notification).where(
        Notification.recipient_user_id == user_id, Notification.channel == Channel.IN_APP.value
    )
    unread_query = mine.where(col(Notification.read_at).is_(None))
    query = unread_query if unread_only else mine
    count = session.exec(select(func.count()).select_from(query.subquery())).one()
    unread = session.exec(select(func.count()).select_from(unread_query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), count, unread


def mark_read(
    session: Session, user_id: str, notification_id: int, at: datetime
) -> Notification | None:
    """Mark the user's own in-app notification read (the first time counts); None if not theirs."""
    row = session.get(Notification, notification_id)
    if row is None or row.recipient_user_id != user_id or row.channel != Channel.IN_APP.value:
        return None
    if row.read_at is None:
        row.read_at = at
        session.add(row)
        session.commit()
        session.refresh(row)
    return row


def email_with_recipient(
    session: Session, notification_id: int
) -> tuple[Notification, User] | None:
    """An e-mail row and its recipient's account, or None if there is no such e-mail row."""
    row = session.get(Notification, notification_id)
    if row is None or row.channel != Channel.EMAIL.value:
        return None
    user = session.get(User, row.recipient_user_id)
    return (row, user) if user is not None else None


def mark_sent(session: Session, notification_id: int, at: datetime) -> None:
    """Record a delivered e-mail (one more attempt, no error)."""
    _set(session, notification_id, status=Delivery.SENT.value, sent_at=at, last_error="")


def mark_failed(session: Session, notification_id: int, error: str) -> None:
    """Record a failed attempt; the row stays visible as failed until a retry succeeds."""
    _set(session, notification_id, status=Delivery.FAILED.value, last_error=error[:MAX_ERROR])


def _set(session: Session, notification_id: int, **values: Any) -> None:
    # Counted in SQL so that attempts add up even if two attempts overlap.
    session.exec(
        update(Notification)
        .where(col(Notification.id) == notification_id)
        .values(attempts=col(Notification.attempts) + 1, **values)
    )


def active_accounts(session: Session, role: str, organisation_id: str) -> list[User]:
    """Active accounts with ``role`` in exactly ``organisation_id``."""
    query = select(User).where(
        User.role == role, User.organisation_id == organisation_id, col(User.active).is_(True)
    )
    return list(session.exec(query.order_by(col(User.id))).all())


def active_users(session: Session, user_ids: Iterable[str]) -> list[User]:
    """The active accounts among ``user_ids`` (unknown ids are skipped)."""
    ids = [i for i in user_ids if i]
    if not ids:
        return []
    query = select(User).where(col(User.id).in_(ids), col(User.active).is_(True))
    return list(session.exec(query.order_by(col(User.id))).all())


def unread_count(session: Session, user_id: str) -> int:
    """How many in-app notifications the user has not read (the pages' header shows it)."""
    return session.exec(
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.recipient_user_id == user_id,
            Notification.channel == Channel.IN_APP.value,
            col(Notification.read_at).is_(None),
        )
    ).one()


REMINDER_KINDS = ("reminder", "overdue", "escalation")


def reminders_sent(session: Session, inspection_id: str) -> list[tuple[str, str, datetime, int]]:
    """The reminders sent for an inspection, one line per kind and deadline: kind, deadline,
    first sent, how many people (in-app rows; every recipient has one)."""
    rows = session.exec(
        select(Notification.kind, Notification.deadline, Notification.created_at).where(
            Notification.inspection_id == inspection_id,
            col(Notification.kind).in_(REMINDER_KINDS),
            Notification.channel == Channel.IN_APP.value,
        )
    ).all()
    grouped: dict[tuple[str, str], list[datetime]] = {}
    for kind, deadline, at in rows:
        grouped.setdefault((kind, deadline), []).append(at)
    return sorted(
        ((k, d, min(ats), len(ats)) for (k, d), ats in grouped.items()), key=lambda r: r[2]
    )
