"""An office's own document templates as a page: what each kind is laid out with, the
template to start from, upload (checked in the sandbox) and back to the default."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SessionDep
from api.errors import ApiError
from api.files import DOCX, attachment
from api.routes.templates import (
    TEMPLATE_BYTES_MAX,
    keep_template,
    organisation_for,
)
from api.web.caller import PageCallerDep
from api.web.render import page
from api.web.session import check_csrf, read_session
from documents.kinds import KIND_TITLE, DocumentKind
from documents.layout import build_default_template
from documents.render import TemplateRefused, check_template
from states.bounds import ID_MAX
from store import templates
from store.queries import viewer_of

router = APIRouter(dependencies=[Depends(check_csrf)])
OrganisationQuery = Annotated[str, Query(max_length=ID_MAX)]


def _organisation_id(db: SessionDep, caller: PageCallerDep, organisation: str) -> str:
    return organisation or viewer_of(db, caller.user).authority_root or ""


@router.get("/documents/templates")
def templates_page(
    request: Request,
    caller: PageCallerDep,
    db: SessionDep,
    organisation: OrganisationQuery = "",
    done: Annotated[str, Query(max_length=40)] = "",
    refused: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    org = organisation_for(db, caller.user, _organisation_id(db, caller, organisation))
    latest = templates.latest(db, org.id)
    kinds = [
        {
            "kind": kind.value,
            "title": KIND_TITLE[kind][1 if read_session(request).language == "en" else 0],
            "row": latest.get(kind.value),
        }
        for kind in DocumentKind
    ]
    return page(
        request,
        "doc_templates.html",
        {"org": org, "kinds": kinds, "done": done, "refused": refused},
    )


@router.post("/documents/templates/{kind}")
async def upload(
    request: Request,
    kind: DocumentKind,
    caller: PageCallerDep,
    db: SessionDep,
    organisation: OrganisationQuery = "",
) -> Response:
    org = organisation_for(db, caller.user, _organisation_id(db, caller, organisation))
    form = await request.form(max_part_size=TEMPLATE_BYTES_MAX)
    file = form.get("file")
    content = await file.read() if file is not None and not isinstance(file, str) else b""
    where = f"/documents/templates?organisation={org.id}"
    try:
        if not content:
            raise TemplateRefused("no file", "Chưa chọn tệp mẫu.")
        check_template(content, kind)
    except TemplateRefused:
        return RedirectResponse(f"{where}&refused={kind.value}", status_code=303)
    keep_template(db, caller.user, org, kind, content)
    return RedirectResponse(f"{where}&done={kind.value}", status_code=303)


@router.post("/documents/templates/{kind}/reset")
def reset(
    kind: DocumentKind, caller: PageCallerDep, db: SessionDep, organisation: OrganisationQuery = ""
) -> Response:
    org = organisation_for(db, caller.user, _organisation_id(db, caller, organisation))
    keep_template(db, caller.user, org, kind, b"")
    return RedirectResponse(f"/documents/templates?organisation={org.id}", status_code=303)


@router.get("/documents/templates/{kind}.docx")
def download(
    kind: DocumentKind, caller: PageCallerDep, db: SessionDep, organisation: OrganisationQuery = ""
) -> Response:
    """The template in use (the office's own, else the default): the one to edit."""
    try:
        org = organisation_for(db, caller.user, _organisation_id(db, caller, organisation))
        row = templates.latest(db, org.id).get(kind.value)
        content = row.content if row is not None and row.content else None
    except ApiError:
        content = None  # anyone may start from the default
    return attachment(content or build_default_template(kind), DOCX, f"mau-{kind.value}.docx")
