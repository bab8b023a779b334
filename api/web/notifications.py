"""The inbox: the person's notifications, newest first, each marked read on request."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SessionDep
from api.errors import not_found
from api.routes.notifications import MAX_ID, MAX_OFFSET
from api.web.caller import PageCallerDep
from api.web.render import page
from api.web.session import check_csrf
from store.outbox import inbox, mark_read

router = APIRouter(dependencies=[Depends(check_csrf)])
PAGE_SIZE = 25


@router.get("/notifications")
def notifications(
    request: Request,
    caller: PageCallerDep,
    db: SessionDep,
    unread: bool = False,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    rows, count, unread_count = inbox(
        db, caller.user.id, unread_only=unread, limit=PAGE_SIZE, offset=offset
    )
    return page(
        request,
        "notifications.html",
        {
            "rows": rows,
            "count": count,
            "unread_count": unread_count,
            "unread": unread,
            "offset": offset,
            "page_size": PAGE_SIZE,
        },
        block="inbox",
    )


@router.post("/notifications/{notification_id}/read")
def read(
    request: Request,
    notification_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    caller: PageCallerDep,
    db: SessionDep,
) -> Response:
    """Mark one read; someone else's is the same 404 as one that does not exist."""
    if mark_read(db, caller.user.id, notification_id, datetime.now(UTC)) is None:
        raise not_found("notification", str(notification_id))
    if request.headers.get("hx-request") == "true":
        return notifications(request, caller, db)
    return RedirectResponse("/notifications", status_code=303)
