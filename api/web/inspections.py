"""The inspections list: filters, search, order and paging kept in the URL; exports of the
filtered list. The same filter dependency, query and export functions as the JSON API."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api import exports
from api.deps import SessionDep
from api.files import CSV, XLSX, attachment
from api.routes.inspections import FilterDep, exported
from api.web.caller import InspectionCallerDep
from api.web.render import is_htmx, page
from api.web.session import check_csrf
from states.vocabulary import InspectionKind, InspectionState
from store.plans import visible_plan
from store.queries import InspectionSort, list_inspections

PAGE_SIZES = (25, 50, 100)
PAGE_MAX = max(PAGE_SIZES)
OFFSET_MAX = 1_000_000
# The filter fields, in the order the URL keeps them.
FILTER_FIELDS = ("q", "state", "kind", "year", "overdue", "unit", "plan", "sort", "limit")


class FormQueryRoute(APIRoute):
    """A GET form sends its empty fields too (``state=&year=``): on a page they mean "any",
    so they are dropped before the query is read, instead of failing its validation."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def without_empty_fields(request: Request) -> Response:
            fields = request.query_params.multi_items()
            if any(not value.strip() for _, value in fields):
                kept = [(name, value) for name, value in fields if value.strip()]
                request.scope["query_string"] = urlencode(kept).encode()
                request = Request(request.scope, request.receive)
            return await handler(request)

        return without_empty_fields


router = APIRouter(dependencies=[Depends(check_csrf)], route_class=FormQueryRoute)


def history_restore(request: Request) -> bool:
    """htmx asks for the whole page again when a person goes back to a pushed URL."""
    return request.headers.get("hx-history-restore-request") == "true"


def link(params: dict[str, str], **changes: object) -> str:
    """``/inspections`` with ``params`` changed by ``changes`` (None or "" drops one)."""
    merged = {**params, **{k: "" if v is None else str(v) for k, v in changes.items()}}
    kept = [(k, merged[k]) for k in (*FILTER_FIELDS, "offset") if merged.get(k)]
    return "/inspections" + (f"?{urlencode(kept)}" if kept else "")


@router.get("/inspections")
def inspections(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    f: FilterDep,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = 50,
    offset: Annotated[int, Query(ge=0, le=OFFSET_MAX)] = 0,
) -> Response:
    rows, count = list_inspections(db, f, caller.viewer, limit, offset)
    params = {k: v for k, v in request.query_params.items() if k in FILTER_FIELDS}
    for name, default in (("limit", "50"), ("sort", InspectionSort.DECIDED.value)):
        if params.get(name) == default:
            del params[name]
    query = f"?{urlencode(list(params.items()))}" if params else ""
    plan = visible_plan(db, caller.viewer, f.plan) if f.plan else None
    return page(
        request,
        "inspections.html",
        {
            "rows": rows,
            "count": count,
            "f": f,
            "limit": limit,
            "offset": offset,
            "page_sizes": PAGE_SIZES,
            "states": list(InspectionState),
            "kinds": list(InspectionKind),
            "sorts": list(InspectionSort),
            "InspectionState": InspectionState,
            "InspectionKind": InspectionKind,
            "unit_name": rows[0].unit_name if f.unit and rows else None,
            "plan": plan,
            "previous": link(params, offset=max(offset - limit, 0) or None) if offset else None,
            "next": link(params, offset=offset + limit) if offset + limit < count else None,
            "without": lambda name: link(params, **{name: None}),
            "unit_link": lambda unit_id: link(params, unit=unit_id),
            "csv": f"/inspections.csv{query}",
            "xlsx": f"/inspections.xlsx{query}",
        },
        block=None if history_restore(request) else "results",
        # The address the browser keeps for this list: its filters, without the empty ones.
        headers={"HX-Push-Url": link(params, offset=offset or None)} if is_htmx(request) else None,
    )


@router.get("/inspections.csv")
def export_csv(caller: InspectionCallerDep, db: SessionDep, f: FilterDep) -> Response:
    """The filtered list as CSV: the JSON API's export, for the signed-in person."""
    rows = exported(db, caller.viewer, f)
    return attachment(exports.inspections_csv(rows), CSV, "cuoc-kiem-tra.csv")


@router.get("/inspections.xlsx")
def export_xlsx(caller: InspectionCallerDep, db: SessionDep, f: FilterDep) -> Response:
    """The filtered list as an Excel workbook."""
    rows = exported(db, caller.viewer, f)
    return attachment(exports.inspections_xlsx(rows), XLSX, "cuoc-kiem-tra.xlsx")
