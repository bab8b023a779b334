"""The register of documents (sổ đăng ký văn bản) as a page, with its Excel export."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.deps import SessionDep
from api.routes.documents import FilterDep, read_register, register_xlsx
from api.web.caller import PageCallerDep
from api.web.inspections import FormQueryRoute
from api.web.render import page
from api.web.session import check_csrf
from store import register

router = APIRouter(dependencies=[Depends(check_csrf)], route_class=FormQueryRoute)
PAGE_SIZE = 50


@router.get("/documents")
def documents_page(
    request: Request,
    caller: PageCallerDep,
    db: SessionDep,
    f: FilterDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    rows, count = read_register(db, caller.user, f, PAGE_SIZE, offset)
    query = "&".join(
        f"{k}={v}" for k, v in (("issuer", f.issuer), ("type", f.type), ("year", f.year)) if v
    )
    return page(
        request,
        "documents.html",
        {
            "rows": rows,
            "count": count,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "f": f,
            "query": query,
            "types": register.types(db),
            "issuers": register.issuer_names(db, rows),
        },
    )


@router.get("/documents.xlsx")
def documents_xlsx(caller: PageCallerDep, db: SessionDep, f: FilterDep) -> Response:
    return register_xlsx(db, caller.user, f)
