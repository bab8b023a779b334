"""Citizens' complaints: receive, list, read, assess, the answer letter (issue 15 §3)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from api import complaints as service
from api.complaints import AssessmentCreate, ComplaintCreate, ComplaintPublic, ComplaintsPublic
from api.deps import IdempotencyKey, SessionDep
from api.files import DOCX, attachment, file_response
from api.scope import ViewerDep
from states.bounds import ID_MAX
from states.complaints import ComplaintStatus
from store import complaints as store

router = APIRouter(prefix="/complaints", tags=["complaints"])
ComplaintId = Annotated[str, Path(max_length=ID_MAX)]
Q_MAX = 200


@router.post("", status_code=201, response_model=ComplaintPublic)
def receive(
    request: Request,
    body: ComplaintCreate,
    viewer: ViewerDep,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> ComplaintPublic:
    """Receive a complaint into the register of the caller's authority; a retry with the
    same Idempotency-Key answers with the complaint the first request recorded."""
    row = service.receive(request, session, viewer, body, idempotency_key)
    return service.public(session, viewer, row)


@router.get("", response_model=ComplaintsPublic)
def list_(
    viewer: ViewerDep,
    session: SessionDep,
    status: ComplaintStatus | None = None,
    unit_id: Annotated[str | None, Query(max_length=ID_MAX)] = None,
    q: Annotated[str | None, Query(max_length=Q_MAX, description="reference, content, unit")] = (
        None
    ),
    inspection_id: Annotated[str | None, Query(max_length=ID_MAX)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ComplaintsPublic:
    """The register of the caller's authority, newest first."""
    rows, count = store.listed(
        session,
        service.owner_of(viewer),
        viewer,
        status=status.value if status else None,
        unit_id=unit_id or None,
        q=(q or "").strip() or None,
        inspection_id=inspection_id or None,
        limit=limit,
        offset=offset,
    )
    return ComplaintsPublic(data=[service.public(session, viewer, r) for r in rows], count=count)


@router.get("/{complaint_id}", response_model=ComplaintPublic)
def detail(complaint_id: ComplaintId, viewer: ViewerDep, session: SessionDep) -> ComplaintPublic:
    """One complaint; 404 for one outside the caller's register."""
    return service.public(session, viewer, service.load(session, viewer, complaint_id))


@router.post("/{complaint_id}/assessment", response_model=ComplaintPublic)
def assess(
    request: Request,
    complaint_id: ComplaintId,
    body: AssessmentCreate,
    viewer: ViewerDep,
    session: SessionDep,
) -> ComplaintPublic:
    """Close the complaint (unfounded, out of scope) with a reason, or join it to an open
    complaint inspection of its unit. A complaint inspection is started from complaints with
    ``POST /inspections`` and ``complaint_ids``."""
    row = service.assess(request, session, viewer, complaint_id, body)
    return service.public(session, viewer, row)


@router.get("/{complaint_id}/answer.docx", response_class=Response, responses=file_response(DOCX))
def answer_docx(complaint_id: ComplaintId, viewer: ViewerDep, session: SessionDep) -> Response:
    """The letter answering the complainant, once the inspection closed."""
    row, content = service.answer_docx(session, viewer, complaint_id)
    return attachment(content, DOCX, f"tra-loi-phan-anh-{row.id[:8]}.docx")
