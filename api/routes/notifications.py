"""The caller's in-app inbox: list (optionally unread only) and mark read."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import CurrentUser, SessionDep
from api.errors import not_found
from api.schemas import NotificationPublic, NotificationsPublic
from store.outbox import inbox, mark_read

# Bounds a 64-bit database integer can hold: larger values are a caller mistake (422).
MAX_ID = 2**63 - 1
MAX_OFFSET = 1_000_000

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=NotificationsPublic)
def list_(
    user: CurrentUser,
    session: SessionDep,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> NotificationsPublic:
    """The caller's notifications, newest first; ``unread=true`` leaves out the read ones."""
    rows, count, unread_count = inbox(
        session, user.id, unread_only=unread, limit=limit, offset=offset
    )
    return NotificationsPublic(
        data=[NotificationPublic.model_validate(r) for r in rows],
        count=count,
        unread=unread_count,
    )


@router.post("/{notification_id}/read", response_model=NotificationPublic)
def read(
    notification_id: Annotated[int, Path(ge=1, le=MAX_ID)], user: CurrentUser, session: SessionDep
) -> NotificationPublic:
    """Mark one of the caller's notifications read; anyone else's is 404, as if absent."""
    row = mark_read(session, user.id, notification_id, datetime.now(UTC))
    if row is None:
        raise not_found("notification", str(notification_id))
    return NotificationPublic.model_validate(row)
