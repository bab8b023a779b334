"""Evidence files on the inspection page: upload forms, downloads, taking a file back.

The upload is a real multipart form (it works without JavaScript) read as it streams
(``api.evidence.receive``), so its CSRF token cannot come from ``request.form()``: the form
sends ``csrf_token`` first, and it is checked — by the pages' own ``check_csrf`` — before a
byte of any file is kept. A refusal comes back on the inspection page, in the person's
language, next to the evidence.
"""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api import evidence, uploads
from api.deps import SessionDep
from api.errors import ERRORS, ApiError, ErrorCode, audit
from api.evidence import FileStoreDep
from api.routes.evidence import FileId
from api.routes.inspections import InspectionId
from api.scope import load_visible
from api.web.caller import InspectionCallerDep, PageCaller
from api.web.inspection import inspection_context
from api.web.render import page
from api.web.session import CSRF_FIELD, CSRF_HEADER, check_csrf, read_session
from states.errors import DomainError

router = APIRouter()


def _refusal(request: Request, refused: ApiError) -> str:
    if read_session(request).language == "en":
        return refused.message or ERRORS[refused.error].en
    return refused.vi or ERRORS[refused.error].vi


async def _csrf_in_form(request: Request, fields: dict[str, str]) -> None:
    """The token the form sent before its files, checked as a header would be."""
    if request.headers.get(CSRF_HEADER) is None:
        token = fields.get(CSRF_FIELD, "")
        headers = [(k, v) for k, v in request.scope["headers"] if k != CSRF_HEADER.encode()]
        headers.append((CSRF_HEADER.encode(), token.encode("latin-1", "replace")))
        request = Request({**request.scope, "headers": headers})
    await check_csrf(request)


def _back(inspection_id: str, what: str) -> RedirectResponse:
    return RedirectResponse(f"/inspections/{inspection_id}?evidence={what}#evidence", 303)


async def _refused_page(
    request: Request, db: SessionDep, caller: PageCaller, inspection_id: str, refused: ApiError
) -> Response:
    if refused.error is ErrorCode.NOT_FOUND:
        raise refused
    await run_in_threadpool(audit, request, refused.status, refused.error, refused.reason)
    snapshot = await run_in_threadpool(load_visible, db, caller.viewer, inspection_id)
    context = await run_in_threadpool(inspection_context, db, caller, snapshot)
    context["evidence_error"] = _refusal(request, refused)
    return page(request, "inspection.html", {**context, "done": None}, status=refused.status)


@router.post("/inspections/{inspection_id}/evidence")
async def upload(
    request: Request,
    inspection_id: InspectionId,
    caller: InspectionCallerDep,
    db: SessionDep,
    store: FileStoreDep,
) -> Response:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        await check_csrf(request)  # not an upload at all: refused for what it is after this
    try:
        await uploads.receive(
            request,
            db,
            caller.viewer,
            caller.user,
            inspection_id,
            store,
            before_files=lambda fields: _csrf_in_form(request, fields),
        )
    except (ApiError, DomainError) as e:
        refused = e if isinstance(e, ApiError) else ApiError.from_domain(e)
        if refused.error is ErrorCode.FORBIDDEN and refused.reason == "csrf":
            raise refused from None
        return await _refused_page(request, db, caller, inspection_id, refused)
    return _back(inspection_id, "added")


@router.get("/inspections/{inspection_id}/evidence/{file_id}")
async def download(
    inspection_id: InspectionId,
    file_id: FileId,
    caller: InspectionCallerDep,
    db: SessionDep,
    store: FileStoreDep,
) -> Response:
    return await evidence.download(db, caller.viewer, inspection_id, file_id, store)


@router.post(
    "/inspections/{inspection_id}/evidence/{file_id}/remove", dependencies=[Depends(check_csrf)]
)
async def remove(
    request: Request,
    inspection_id: InspectionId,
    file_id: FileId,
    caller: InspectionCallerDep,
    db: SessionDep,
) -> Response:
    try:
        await run_in_threadpool(
            evidence.remove, request, db, caller.viewer, caller.user, inspection_id, file_id
        )
    except (ApiError, DomainError) as e:
        refused = e if isinstance(e, ApiError) else ApiError.from_domain(e)
        return await _refused_page(request, db, caller, inspection_id, refused)
    return _back(inspection_id, "removed")
