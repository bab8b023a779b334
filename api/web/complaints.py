"""The register of citizens' complaints as pages: the list with its filters and the form to
receive one, one complaint with its assessment, and the answer letter's download."""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import complaints as service
from api.complaints import AssessmentCreate, ComplaintCreate
from api.deps import SessionDep
from api.errors import ERRORS, ApiError
from api.files import DOCX, attachment
from api.web import forms
from api.web.caller import InspectionCallerDep, PageCaller
from api.web.inspections import FormQueryRoute
from api.web.render import page
from api.web.session import check_csrf, read_session
from states.bounds import ID_MAX
from states.calendar import local_date
from states.checklist import STANDARD_CHECKLIST
from states.complaints import (
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    sees_identity,
)
from states.vocabulary import TERMINAL_STATES, InspectionKind
from store import complaints as store
from store.directory import organisations_within
from store.queries import InspectionFilter, list_inspections
from store.tables import Complaint

router = APIRouter(dependencies=[Depends(check_csrf)], route_class=FormQueryRoute)
PAGE_SIZE = 50
ComplaintId = Annotated[str, Path(max_length=ID_MAX)]
ENUMS = {
    "ComplaintChannel": ComplaintChannel,
    "ComplaintStatus": ComplaintStatus,
    "ComplaintOutcome": ComplaintOutcome,
}


def _refusal(request: Request, error: ApiError) -> str:
    """The refusal in the page's language (the session's, not the browser's)."""
    if read_session(request).language == "en":
        return error.message
    return error.vi or ERRORS[error.error].vi


def _list_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    *,
    status: ComplaintStatus | None = None,
    unit_id: str = "",
    q: str = "",
    inspection_id: str = "",
    offset: int = 0,
    values: dict[str, Any] | None = None,
    problems: dict[str, forms.Problem] | None = None,
    refusal: str | None = None,
    code: int = 200,
) -> Response:
    owner = service.owner_of(caller.viewer)
    rows, count = store.listed(
        db,
        owner,
        caller.viewer,
        status=status.value if status else None,
        unit_id=unit_id or None,
        q=q.strip() or None,
        inspection_id=inspection_id or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    query = "&".join(
        f"{k}={v}"
        for k, v in (
            ("status", status.value if status else ""),
            ("unit_id", unit_id),
            ("q", q),
            ("inspection_id", inspection_id),
        )
        if v
    )
    return page(
        request,
        "complaints.html",
        {
            "rows": rows,
            "count": count,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "query": query,
            "f": {"status": status.value if status else "", "unit_id": unit_id, "q": q},
            "inspection_id": inspection_id,
            "units": organisations_within(db, caller.viewer.authority_root, ""),
            "checklist": STANDARD_CHECKLIST,
            "keeper": sees_identity(caller.viewer),
            "today": local_date(datetime.now(UTC)).isoformat(),
            "v": values or {},
            "problems": problems or {},
            "refusal": refusal,
            # A double click posts the form twice: one complaint (the key makes the second
            # meet the first).
            "key": (values or {}).get("idempotency_key") or uuid.uuid4().hex,
            **ENUMS,
        },
        status=code,
        block="register",
    )


@router.get("/complaints")
def complaints_page(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    status: ComplaintStatus | None = None,
    unit_id: Annotated[str, Query(max_length=ID_MAX)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    inspection_id: Annotated[str, Query(max_length=ID_MAX)] = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    return _list_page(
        request,
        caller,
        db,
        status=status,
        unit_id=unit_id,
        q=q,
        inspection_id=inspection_id,
        offset=offset,
    )


@router.post("/complaints")
async def receive(request: Request, caller: InspectionCallerDep, db: SessionDep) -> Response:
    form = await request.form()
    data = forms.nest([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    try:
        body = ComplaintCreate.model_validate(forms.clean(ComplaintCreate, data))
        key = str(form.get("idempotency_key") or "")[:64] or None
        row = service.receive(request, db, caller.viewer, body, key)
    except ValidationError as e:
        return _list_page(request, caller, db, values=data, problems=forms.problems(e), code=422)
    except ApiError as e:
        return _list_page(
            request, caller, db, values=data, refusal=_refusal(request, e), code=e.status
        )
    return RedirectResponse(f"/complaints/{row.id}?done=received", status_code=303)


def _joinable(db: Session, caller: PageCaller, row: Complaint) -> list[Any]:
    """Open complaint inspections of the complaint's unit the caller sees."""
    f = InspectionFilter(unit=row.unit_id, kind=InspectionKind.COMPLAINT.value)
    found, _ = list_inspections(db, f, caller.viewer, 50, 0)
    return [i for i in found if i.unit_id == row.unit_id and i.state not in TERMINAL_STATES]


def _complaint_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    row: Complaint,
    problems: dict[str, forms.Problem] | None = None,
    refusal: str | None = None,
    code: int = 200,
) -> Response:
    shown = service.public(db, caller.viewer, row)
    return page(
        request,
        "complaint.html",
        {
            "c": shown,
            "keeper": sees_identity(caller.viewer),
            "joinable": _joinable(db, caller, row) if shown.status == "received" else [],
            "problems": problems or {},
            "refusal": refusal,
            "done": request.query_params.get("done", "")[:20],
            **ENUMS,
        },
        status=code,
    )


@router.get("/complaints/{complaint_id}")
def complaint_page(
    request: Request, complaint_id: ComplaintId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    return _complaint_page(request, caller, db, service.load(db, caller.viewer, complaint_id))


@router.post("/complaints/{complaint_id}/assessment")
async def assess(
    request: Request, complaint_id: ComplaintId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    row = service.load(db, caller.viewer, complaint_id)
    form = await request.form()
    data = forms.nest([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    try:
        body = AssessmentCreate.model_validate(forms.clean(AssessmentCreate, data))
        service.assess(request, db, caller.viewer, complaint_id, body)
    except ValidationError as e:
        return _complaint_page(request, caller, db, row, problems=forms.problems(e), code=422)
    except ApiError as e:
        if e.status == 404:
            raise
        db.rollback()
        return _complaint_page(
            request, caller, db, row, refusal=_refusal(request, e), code=e.status
        )
    return RedirectResponse(f"/complaints/{complaint_id}?done=assessed", status_code=303)


@router.get("/complaints/{complaint_id}/answer.docx")
def answer_docx(complaint_id: ComplaintId, caller: InspectionCallerDep, db: SessionDep) -> Response:
    row, content = service.answer_docx(db, caller.viewer, complaint_id)
    return attachment(content, DOCX, f"tra-loi-phan-anh-{row.id[:8]}.docx")
