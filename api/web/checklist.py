"""The checklist catalogue's administration page: the version in use, earlier versions, and
a new version as a full list, one criterion a line (``PUT /api/v1/checklist``'s rules)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api.deps import SessionDep
from api.errors import ERRORS, ErrorCode
from api.routes.checklist import CatalogueUpdate
from api.web.admin import AdminDep
from api.web.render import page
from api.web.session import check_csrf, read_session
from states.bounds import NOTE_MAX
from states.checklist import CATALOGUE_MAX, GROUPS, Catalogue, CatalogueEntry
from states.errors import DomainError
from store import checklist as checklists

router = APIRouter(dependencies=[Depends(check_csrf)])
# One line a criterion: code | group | Vietnamese | English | retired (x), as typed.
LINES_MAX = CATALOGUE_MAX * 500
RETIRED_MARKS = frozenset({"x", "retired", "ngừng"})


def as_lines(catalogue: Catalogue) -> str:
    return "\n".join(
        " | ".join([c.code, c.group, c.vi, c.en, "x" if c.retired else ""]).rstrip(" |")
        for c in catalogue.criteria
    )


def parse_lines(text: str) -> list[dict[str, object]]:
    """The typed lines as entries; a line that is not 3 to 5 fields is a ValueError."""
    entries: list[dict[str, object]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if not 3 <= len(parts) <= 5:
            raise ValueError(n)
        code, group, vi, *rest = parts
        en = rest[0] if rest else ""
        retired = len(rest) > 1 and rest[1].lower() in RETIRED_MARKS
        entries.append({"code": code, "group": group, "vi": vi, "en": en, "retired": retired})
    return entries


def _page(
    request: Request,
    db: Session,
    text: str | None = None,
    note: str = "",
    alert: str | None = None,
    done: bool = False,
    status: int = 200,
) -> Response:
    catalogue = checklists.current(db)
    return page(
        request,
        "admin_checklist.html",
        {
            "catalogue": catalogue,
            "groups": GROUPS,
            "versions": checklists.versions(db),
            "text": as_lines(catalogue) if text is None else text,
            "note": note,
            "alert": alert,
            "done": done,
        },
        status=status,
    )


@router.get("/admin/checklist")
def checklist_page(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    done: Annotated[bool, Query()] = False,
) -> Response:
    return _page(request, db, done=done)


@router.post("/admin/checklist")
def publish(
    request: Request,
    caller: AdminDep,
    db: SessionDep,
    criteria: Annotated[str, Form(max_length=LINES_MAX)] = "",
    note: Annotated[str, Form(max_length=NOTE_MAX)] = "",
) -> Response:
    english = read_session(request).language == "en"
    try:
        body = CatalogueUpdate.model_validate(
            {"criteria": parse_lines(criteria), "note": note.strip()}
        )
    except ValueError as e:  # a line of the wrong shape, or a field the model refuses
        if isinstance(e, ValidationError):
            where = ".".join(str(p) for p in e.errors()[0].get("loc", ()))
            line = f"{e.errors()[0].get('msg', '')} ({where})"
        else:
            line = (
                f"line {e.args[0]}: code | group | Vietnamese | English | x"
                if english
                else f"dòng {e.args[0]}: mã | nhóm | nội dung | tiếng Anh | x"
            )
        text = ERRORS[ErrorCode.INVALID_PAYLOAD]
        alert = f"{text.en if english else text.vi} {line}"
        return _page(request, db, criteria, note, alert, status=422)
    entries: list[CatalogueEntry] = body.criteria
    try:
        checklists.publish(db, entries, caller.user.id, body.note, datetime.now(UTC))
    except DomainError as e:
        alert = e.message if english else (e.vi or e.message)
        return _page(request, db, criteria, note, alert, status=422)
    except checklists.VersionTaken:
        text = ERRORS[ErrorCode.CONFLICT]
        return _page(request, db, criteria, note, text.en if english else text.vi, status=409)
    return RedirectResponse("/admin/checklist?done=true", status_code=303)
