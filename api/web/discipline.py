"""Discipline pages: the managing authority's list with the decide form (``/discipline``),
and the form on the inspection page by which the issuing side records a recommendation.
Both go through ``api.discipline``, as the JSON API does."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api import discipline
from api.deps import SessionDep
from api.discipline import LABELS, DisciplineCreate, DisciplineDecision
from api.errors import ApiError, ErrorCode
from api.paper import today
from api.routes.discipline import MAX_OFFSET
from api.routes.inspections import InspectionId
from api.scope import load_visible
from api.web import forms
from api.web.caller import InspectionCallerDep, PageCaller
from api.web.inspection import _refusal_text, inspection_context
from api.web.render import page
from api.web.session import check_csrf, read_session
from states.bounds import ID_MAX
from states.discipline import DisciplineForm, DisciplineStatus
from store import discipline as records

router = APIRouter(dependencies=[Depends(check_csrf)])
PAGE_SIZE = 50
RecordId = Annotated[str, Path(max_length=ID_MAX)]


def _list_page(
    request: Request,
    caller: PageCaller,
    db: Session,
    status: DisciplineStatus | None,
    overdue: bool | None,
    offset: int,
    refusal: str | None = None,
    code: int = 200,
) -> Response:
    discipline.require_office(caller.viewer)
    on = today()
    rows, count = records.listing(db, caller.viewer, status, overdue, on, PAGE_SIZE, offset)
    return page(
        request,
        "discipline.html",
        {
            "rows": discipline.listed(rows, db, on),
            "count": count,
            "status": status.value if status else "",
            "overdue": overdue,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "statuses": list(DisciplineStatus),
            "forms": list(DisciplineForm),
            "labels": LABELS,
            "refusal": refusal,
            "today": on,
        },
        status=code,
    )


@router.get("/discipline")
def discipline_list(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    status: DisciplineStatus | None = None,
    overdue: bool | None = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """What the caller's office must decide as managing authority, and what its
    inspections recommended."""
    return _list_page(request, caller, db, status, overdue, offset)


async def _fields(request: Request) -> dict[str, Any]:
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"]
    return forms.nest(items)


def _problem_text(request: Request, error: ValidationError) -> str:
    language = read_session(request).language
    return "; ".join(
        f"{name or '—'}: {p.in_(language)}" for name, p in forms.problems(error).items()
    )


def _parse(model: type[BaseModel], data: dict[str, Any], request: Request) -> BaseModel | str:
    cleaned = forms.clean(model, data)
    for flag in ("holds_post", "complex_case"):
        if flag in model.model_fields:
            cleaned[flag] = data.get(flag) == "on"
    try:
        return model.model_validate(cleaned)
    except ValidationError as e:
        return _problem_text(request, e)


@router.post("/discipline/{record_id}/decision")
async def decide(
    request: Request, record_id: RecordId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    data = await _fields(request)
    body = _parse(DisciplineDecision, data, request)
    if isinstance(body, str):
        return await run_in_threadpool(_list_page, request, caller, db, None, None, 0, body, 422)
    assert isinstance(body, DisciplineDecision)
    try:
        await run_in_threadpool(discipline.decide, db, caller.viewer, record_id, body)
    except ApiError as e:
        if e.error is ErrorCode.NOT_FOUND:
            raise
        text = _refusal_text(request, e)
        return await run_in_threadpool(
            _list_page, request, caller, db, None, None, 0, text, e.status
        )
    return RedirectResponse("/discipline?status=proposed", status_code=303)


@router.post("/inspections/{inspection_id}/discipline")
async def recommend(
    request: Request, inspection_id: InspectionId, caller: InspectionCallerDep, db: SessionDep
) -> Response:
    snapshot = await run_in_threadpool(load_visible, db, caller.viewer, inspection_id)
    data = await _fields(request)
    body = _parse(DisciplineCreate, data, request)
    refused: tuple[str, int] | None = None
    if isinstance(body, str):
        refused = (body, 422)
    else:
        assert isinstance(body, DisciplineCreate)
        try:
            await run_in_threadpool(discipline.create, db, snapshot, caller.viewer, body)
        except ApiError as e:
            refused = (_refusal_text(request, e), e.status)
    if refused is None:
        return RedirectResponse(f"/inspections/{inspection_id}#discipline", status_code=303)
    context = await run_in_threadpool(inspection_context, db, caller, snapshot)
    return page(
        request,
        "inspection.html",
        {**context, "done": None, "discipline_refusal": refused[0], "discipline_values": data},
        status=refused[1],
    )
