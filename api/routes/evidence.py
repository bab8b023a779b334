"""Evidence files of an inspection: upload, list, download, remove (``api.evidence``)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse

from api import evidence, uploads
from api.deps import CurrentUser, SessionDep
from api.evidence import (
    DOWNLOAD_RESPONSES,
    EvidenceListPublic,
    EvidencePublic,
    FileStoreDep,
)
from api.routes.inspections import InspectionId
from api.scope import ViewerDep
from api.uploads import UPLOAD_OPENAPI
from states.bounds import ID_MAX

router = APIRouter(prefix="/inspections", tags=["evidence"])
FileId = Annotated[str, Path(max_length=ID_MAX)]


@router.post(
    "/{inspection_id}/evidence",
    status_code=201,
    response_model=EvidenceListPublic,
    openapi_extra=UPLOAD_OPENAPI,
)
async def upload(
    inspection_id: InspectionId,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
    store: FileStoreDep,
) -> EvidenceListPublic:
    """Attach files (at most ten) to a criterion of the visit (the team, on site), a
    finding's remediation or its dispute (the unit). The type is read from the content:
    PDF, JPEG, PNG, .docx and .xlsx without macros. Send ``target`` and ``ref`` before the
    files: a refusal then comes before the files are read."""
    rows = await uploads.receive(request, session, viewer, user, inspection_id, store)
    return EvidenceListPublic(
        data=[EvidencePublic.model_validate(r) for r in rows], count=len(rows)
    )


@router.get("/{inspection_id}/evidence", response_model=EvidenceListPublic)
def list_(
    inspection_id: InspectionId,
    viewer: ViewerDep,
    session: SessionDep,
    include_removed: Annotated[
        bool, Query(description="removed files too (the issuing side only)")
    ] = False,
) -> EvidenceListPublic:
    """The inspection's files, in the order they came."""
    rows = evidence.list_files(session, viewer, inspection_id, include_removed)
    return EvidenceListPublic(
        data=[EvidencePublic.model_validate(r) for r in rows], count=len(rows)
    )


@router.get(
    "/{inspection_id}/evidence/{file_id}",
    response_class=StreamingResponse,
    responses=DOWNLOAD_RESPONSES,
)
async def download(
    inspection_id: InspectionId,
    file_id: FileId,
    viewer: ViewerDep,
    session: SessionDep,
    store: FileStoreDep,
) -> StreamingResponse:
    """The file, as an attachment of its sniffed type."""
    return await evidence.download(session, viewer, inspection_id, file_id, store)


@router.delete("/{inspection_id}/evidence/{file_id}", response_model=EvidencePublic)
def remove(
    inspection_id: InspectionId,
    file_id: FileId,
    request: Request,
    user: CurrentUser,
    viewer: ViewerDep,
    session: SessionDep,
) -> EvidencePublic:
    """Take a file back — its side only, and only before the report it belongs to is
    submitted (409 after). The record stays, marked removed."""
    row = evidence.remove(request, session, viewer, user, inspection_id, file_id)
    return EvidencePublic.model_validate(row)
