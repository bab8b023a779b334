"""The register of documents (sổ đăng ký văn bản) of the caller's authority."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from api import exports
from api.deps import CurrentUser, SessionDep
from api.files import XLSX, attachment, file_response
from api.schemas import UtcDatetime
from states.bounds import ID_MAX
from states.sides import register_root
from store import register
from store.queries import viewer_of
from store.tables import Document, User

router = APIRouter(prefix="/documents", tags=["documents"])
EXPORT_LIMIT = 100_000


class DocumentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    issuer_id: str
    type: str
    year: int
    number: int
    symbol: str
    signed_on: date | None
    signer: str
    subject: str
    inspection_id: str | None
    plan_id: str | None
    entered: bool
    created_at: UtcDatetime  # SQLite gives it back without its zone


class DocumentsPublic(BaseModel):
    data: list[DocumentPublic]
    count: int


class RegisterFilter(BaseModel):
    issuer: str | None = None
    type: str | None = None
    year: int | None = None


def register_filter(
    issuer: Annotated[str | None, Query(max_length=ID_MAX)] = None,
    type: Annotated[str | None, Query(max_length=10)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
) -> RegisterFilter:
    return RegisterFilter(issuer=issuer or None, type=type or None, year=year)


FilterDep = Annotated[RegisterFilter, Depends(register_filter)]


def read_register(
    session: Session, user: User, f: RegisterFilter, limit: int, offset: int
) -> tuple[list[Document], int]:
    return register.documents(
        session,
        register_root(viewer_of(session, user)),
        issuer=f.issuer,
        type_code=f.type,
        year=f.year,
        limit=limit,
        offset=offset,
    )


@router.get("", response_model=DocumentsPublic)
def list_(
    user: CurrentUser,
    session: SessionDep,
    f: FilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DocumentsPublic:
    """The register of the caller's authority, newest number first (issuer, type, year)."""
    rows, count = read_register(session, user, f, limit, offset)
    return DocumentsPublic(data=[DocumentPublic.model_validate(d) for d in rows], count=count)


@router.get(".xlsx", response_class=Response, responses=file_response(XLSX))
def export_xlsx(user: CurrentUser, session: SessionDep, f: FilterDep) -> Response:
    """The filtered register as an Excel workbook."""
    return register_xlsx(session, user, f)


def register_xlsx(session: Session, user: User, f: RegisterFilter) -> Response:
    """The filtered register as a workbook (the API's download and the page's)."""
    rows, _ = read_register(session, user, f, EXPORT_LIMIT, 0)
    workbook = exports.documents_xlsx(rows, register.issuer_names(session, rows))
    return attachment(workbook, XLSX, "so-dang-ky-van-ban.xlsx")
