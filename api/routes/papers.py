"""An inspection's documents: the list, and each as a Word file or PDF."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api import papers
from api.deps import SessionDep
from api.errors import ApiError, ErrorCode, not_found
from api.files import DOCX, PDF, attachment, file_response
from api.routes.inspections import InspectionId
from api.scope import ViewerDep, load_visible
from documents.pdf import PdfFailed, PdfUnavailable, pdf_unavailable, to_pdf
from documents.render import render_docx
from states.bounds import ID_MAX
from states.paper import PAPERS

router = APIRouter(prefix="/inspections", tags=["documents"])

DocumentId = Annotated[str, Path(max_length=ID_MAX, pattern=r"^[0-9a-f]{1,64}$")]


class InspectionDocument(BaseModel):
    id: str
    kind: str
    title: str
    type: str
    symbol: str
    number: int
    year: int
    signed_on: date | None
    signer: str
    subject: str
    entered: bool
    docx: str
    pdf: str
    pdf_unavailable: str | None = None


class InspectionDocuments(BaseModel):
    data: list[InspectionDocument]
    count: int


def _public(iid: str, work: papers.Paperwork, why: str | None) -> InspectionDocument:
    d = work.document
    base = f"/api/v1/inspections/{iid}/documents/{d.id}"
    return InspectionDocument(
        id=d.id,
        kind=work.paper.value,
        title=PAPERS[work.paper].title_vi,
        type=d.type,
        symbol=d.symbol,
        number=d.number,
        year=d.year,
        signed_on=d.signed_on,
        signer=d.signer,
        subject=d.subject,
        entered=d.entered,
        docx=f"{base}.docx",
        pdf=f"{base}.pdf",
        pdf_unavailable=why,
    )


@router.get("/{inspection_id}/documents", response_model=InspectionDocuments)
def list_documents(
    inspection_id: InspectionId, viewer: ViewerDep, session: SessionDep
) -> InspectionDocuments:
    """The documents the inspection has issued, oldest first, with their downloads."""
    s = load_visible(session, viewer, inspection_id)
    why = pdf_unavailable()
    rows = [_public(inspection_id, w, why) for w in papers.listed(session, s, viewer)]
    return InspectionDocuments(data=rows, count=len(rows))


def docx_of(
    session: SessionDep, viewer: ViewerDep, iid: str, document_id: str
) -> tuple[papers.Paperwork, bytes]:
    """The Word file of one of the inspection's documents (404 like an unknown one when
    the viewer may not read it)."""
    s = load_visible(session, viewer, iid)
    work = papers.find(session, s, viewer, document_id)
    if work is None:
        raise not_found("document", document_id)
    ctx = papers.context(session, s, work)
    template = papers.template_for(session, work.document, work.kind)
    return work, render_docx(ctx, template)


@router.get(
    "/{inspection_id}/documents/{document_id}.docx",
    response_class=Response,
    responses=file_response(DOCX),
)
def document_docx(
    inspection_id: InspectionId, document_id: DocumentId, viewer: ViewerDep, session: SessionDep
) -> Response:
    """The document as a Word file laid out per Decree 30/2020."""
    work, content = docx_of(session, viewer, inspection_id, document_id)
    return attachment(content, DOCX, papers.file_name(work, "docx"))


@router.get(
    "/{inspection_id}/documents/{document_id}.pdf",
    response_class=Response,
    responses={**file_response(PDF), 503: {"description": "LibreOffice is not installed"}},
)
async def document_pdf(
    inspection_id: InspectionId, document_id: DocumentId, viewer: ViewerDep, session: SessionDep
) -> Response:
    """The document as PDF, converted by LibreOffice (503 saying why when it is missing)."""
    return await pdf_response(session, viewer, inspection_id, document_id)


async def pdf_response(
    session: SessionDep, viewer: ViewerDep, inspection_id: str, document_id: str
) -> Response:
    work, content = await run_in_threadpool(docx_of, session, viewer, inspection_id, document_id)
    try:
        pdf = await run_in_threadpool(to_pdf, content)
    except PdfUnavailable as e:
        raise ApiError(ErrorCode.UNAVAILABLE, str(e), {"reason": str(e)}) from None
    except PdfFailed as e:
        raise ApiError(ErrorCode.UNAVAILABLE, f"the PDF could not be made: {e}", None) from None
    return attachment(pdf, PDF, papers.file_name(work, "pdf"))
