"""Office templates: an organisation's own Word layout per kind of document (docxtpl),
replacing the default kiemtra ships; checked in the sandbox before it is kept."""

import hashlib
import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from api.deps import CurrentUser, SessionDep
from api.errors import ApiError, ErrorCode, not_found
from api.files import DOCX, attachment, file_response
from documents.kinds import KIND_TITLE, DocumentKind
from documents.layout import build_default_template
from documents.render import TemplateRefused, check_template
from states.scope import within_authority
from states.vocabulary import Role
from store import templates
from store.queries import ancestry, viewer_of
from store.tables import DocumentTemplate, Organisation, User

router = APIRouter(tags=["documents"])

# An uploaded template is a small Word file; the edge refuses larger bodies before this.
TEMPLATE_BYTES_MAX = 2 * 1024 * 1024


class TemplatePublic(BaseModel):
    kind: DocumentKind
    title: str
    name: str
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    custom: bool


class TemplatesPublic(BaseModel):
    data: list[TemplatePublic]


def organisation_for(session: Session, user: User, organisation_id: str) -> Organisation:
    """The organisation, if the caller manages its templates: an administrator, or a
    coordinator within whose authority it lies. Anything else is an unknown one."""
    org = session.get(Organisation, organisation_id)
    if org is not None and user.role == Role.ADMIN.value:
        return org
    if org is not None and user.role == Role.COORDINATOR.value:
        viewer = viewer_of(session, user)
        if within_authority(viewer, [*ancestry(session, org.id), org.id]):
            return org
    raise not_found("organisation", organisation_id)


@router.get("/organisations/{organisation_id}/document-templates", response_model=TemplatesPublic)
def list_templates(organisation_id: str, user: CurrentUser, session: SessionDep) -> TemplatesPublic:
    """Each kind's template: the office's own, or the default."""
    org = organisation_for(session, user, organisation_id)
    latest = templates.latest(session, org.id)
    data = []
    for kind in DocumentKind:
        row = latest.get(kind.value)
        custom = row is not None and bool(row.content)
        data.append(
            TemplatePublic(
                kind=kind,
                title=KIND_TITLE[kind][0],
                name=row.name if row and custom else "",
                sha256=row.sha256 if row and custom else "",
                uploaded_by=row.uploaded_by if row else "",
                uploaded_at=row.uploaded_at if row else datetime(2020, 1, 1, tzinfo=UTC),
                custom=custom,
            )
        )
    return TemplatesPublic(data=data)


@router.put(
    "/organisations/{organisation_id}/document-templates/{kind}",
    response_model=TemplatePublic,
    openapi_extra={
        "requestBody": {"content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def upload_template(
    organisation_id: str,
    kind: DocumentKind,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
) -> TemplatePublic:
    """Upload the office's own template of a kind (the body is the .docx). It is rendered
    with sample data in the sandbox first: a template that reaches Python objects, carries
    macros or links outside, or does not render is refused (422) and nothing is kept."""
    org = organisation_for(session, user, organisation_id)
    content = await request.body()
    if len(content) > TEMPLATE_BYTES_MAX:
        raise ApiError(ErrorCode.PAYLOAD_TOO_LARGE, "a template is at most 2 MiB", None)
    try:
        check_template(content, kind)
    except TemplateRefused as refused:
        raise ApiError(ErrorCode.INVALID_PAYLOAD, str(refused), None, vi=refused.vi) from None
    return keep_template(session, user, org, kind, content)


@router.delete(
    "/organisations/{organisation_id}/document-templates/{kind}", response_model=TemplatePublic
)
def reset_template(
    organisation_id: str, kind: DocumentKind, user: CurrentUser, session: SessionDep
) -> TemplatePublic:
    """Back to the default template (the uploads stay on record)."""
    org = organisation_for(session, user, organisation_id)
    return keep_template(session, user, org, kind, b"")


def keep_template(
    session: Session, user: User, org: Organisation, kind: DocumentKind, content: bytes
) -> TemplatePublic:
    row = DocumentTemplate(
        id=uuid.uuid4().hex,
        organisation_id=org.id,
        kind=kind.value,
        name=f"{kind.value}.docx" if content else "",
        content=content,
        sha256=hashlib.sha256(content).hexdigest() if content else "",
        uploaded_by=user.full_name or user.username,
        uploaded_at=datetime.now(UTC),
    )
    session.add(row)
    session.commit()
    return TemplatePublic(
        kind=kind,
        title=KIND_TITLE[kind][0],
        name=row.name,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        custom=bool(content),
    )


@router.get(
    "/document-templates/{kind}/default.docx",
    response_class=Response,
    responses=file_response(DOCX),
)
def default_template(kind: DocumentKind, user: CurrentUser) -> Response:
    """The template kiemtra ships for a kind: where an office's own begins."""
    return attachment(build_default_template(kind), DOCX, f"mau-{kind.value}.docx")


@router.get(
    "/organisations/{organisation_id}/document-templates/{kind}.docx",
    response_class=Response,
    responses=file_response(DOCX),
)
def current_template(
    organisation_id: str, kind: DocumentKind, user: CurrentUser, session: SessionDep
) -> Response:
    """The template in use for a kind at the organisation (its own, or the default)."""
    org = organisation_for(session, user, organisation_id)
    row = templates.latest(session, org.id).get(kind.value)
    content = row.content if row is not None and row.content else build_default_template(kind)
    return attachment(content, DOCX, f"mau-{kind.value}.docx")
