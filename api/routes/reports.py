"""The reports offices send upward: summary by period and a plan's coverage, as JSON,
.xlsx, CSV and SVG — every format renders the same report object."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api import charts, exports, period_report
from api.bounds import DAY_RANGE, Day
from api.deps import SessionDep
from api.errors import ApiError, ErrorCode, not_found
from api.files import CSV, DOCX, SVG, XLSX, attachment, file_response, svg
from api.scope import ViewerDep
from documents.render import render_docx
from states.bounds import ID_MAX
from states.calendar import local_date
from states.complaints import may_read
from states.reports import CoverageReport, SummaryReport
from states.vocabulary import InspectionKind
from store import complaints
from store import plans as store_plans
from store.queries import ancestry
from store.reports import SummaryQuery, coverage, issuer_seen, summary
from store.tables import Organisation

router = APIRouter(prefix="/reports", tags=["reports"])


def _today() -> date:
    return local_date(datetime.now(UTC))


def summary_report(
    viewer: ViewerDep,
    session: SessionDep,
    date_from: Annotated[
        Day | None,
        Query(alias="from", description=f"first decision day, {DAY_RANGE}; default 1 January"),
    ] = None,
    date_to: Annotated[
        Day | None,
        Query(alias="to", description=f"last decision day, {DAY_RANGE}; default 31 December"),
    ] = None,
    organisation: Annotated[
        str | None, Query(max_length=64, description="only units in this organisation's subtree")
    ] = None,
    kind: InspectionKind | None = None,
    plan_id: Annotated[
        str | None, Query(max_length=ID_MAX, description="only inspections of this plan's items")
    ] = None,
    issuer_id: Annotated[
        str | None, Query(max_length=ID_MAX, description="only inspections it issued")
    ] = None,
    attached_as_parent: Annotated[
        bool,
        Query(
            description="count a unit attached to a People's Committee (its one-stop shop, an "
            "agency of the Committee) under the Committee's level; false: by its own level"
        ),
    ] = True,
) -> SummaryReport:
    today = _today()
    start = date_from or date(today.year, 1, 1)
    end = date_to or date((date_from or today).year, 12, 31)
    if end < start:
        raise ApiError(
            ErrorCode.INVALID_PAYLOAD,
            "'to' is before 'from'",
            {"from": start.isoformat(), "to": end.isoformat()},
        )
    name = ""
    chain: tuple[str, ...] = ()
    if organisation:
        org = session.get(Organisation, organisation)
        if org is None:
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"unknown organisation {organisation}",
                {"id": organisation},
            )
        name, chain = org.name, (*ancestry(session, org.id), org.id)
    plan_number = ""
    if plan_id:
        plan = store_plans.visible_plan(session, viewer, plan_id)
        if plan is None:
            raise not_found("plan", plan_id)
        plan_number = plan.number
    issuer_name = ""
    if issuer_id:
        # Unknown, or issuing nothing the caller may see: one answer, telling nothing.
        issuer = session.get(Organisation, issuer_id)
        if issuer is None or not issuer_seen(session, viewer, issuer_id):
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"unknown issuing organisation {issuer_id}",
                {"issuer_id": issuer_id},
            )
        issuer_name = issuer.name
    query = SummaryQuery(
        start,
        end,
        today,
        organisation,
        name,
        chain,
        kind.value if kind else None,
        attached_as_parent=attached_as_parent,
        plan_id=plan_id,
        plan_number=plan_number,
        issuer_id=issuer_id,
        issuer_name=issuer_name,
    )
    report = summary(session, viewer, query)
    if viewer.authority_root is not None and may_read(viewer, viewer.authority_root):
        counted = complaints.figures(session, viewer.authority_root, start, end, organisation)
        report = report.model_copy(update={"complaints": counted})
    return report


def coverage_report(
    viewer: ViewerDep,
    session: SessionDep,
    plan: Annotated[str, Query(max_length=64, description="the plan's id")],
    on: Annotated[
        Day | None, Query(description=f"count 'this quarter' from, {DAY_RANGE}; default today")
    ] = None,
) -> CoverageReport:
    found = store_plans.visible_plan(session, viewer, plan)
    if found is None:
        raise not_found("plan", plan)
    return coverage(session, viewer, found, on or _today())


SummaryDep = Annotated[SummaryReport, Depends(summary_report)]
CoverageDep = Annotated[CoverageReport, Depends(coverage_report)]


@router.get("/summary", response_model=SummaryReport)
def summary_json(report: SummaryDep) -> SummaryReport:
    """Inspections decided in the period: by kind, by level, findings by criterion,
    remediation on time, re-inspections, people recommended for discipline."""
    return report


@router.get("/summary.xlsx", response_class=Response, responses=file_response(XLSX))
def summary_xlsx(report: SummaryDep) -> Response:
    return attachment(exports.summary_xlsx(report), XLSX, "bao-cao-tong-hop.xlsx")


@router.get("/summary.docx", response_class=Response, responses=file_response(DOCX))
def summary_docx(report: SummaryDep, viewer: ViewerDep, session: SessionDep) -> Response:
    """The half-year or annual report as a Word document (Decree 30 layout), numbered and
    signed by hand: the office completes its assessment before issuing it."""
    ctx = period_report.context(session, viewer, report)
    return attachment(render_docx(ctx), DOCX, "bao-cao-kiem-tra-cong-vu.docx")


@router.get("/summary.csv", response_class=Response, responses=file_response(CSV))
def summary_csv(report: SummaryDep) -> Response:
    return attachment(exports.summary_csv(report), CSV, "bao-cao-tong-hop.csv")


@router.get("/summary.svg", response_class=Response, responses=file_response(SVG))
def summary_svg(
    report: SummaryDep,
    chart: Annotated[str, Query(pattern="^(all|kind|level|criterion)$")] = "all",
) -> Response:
    return svg(charts.summary_svg(report, chart))


@router.get("/coverage", response_model=CoverageReport)
def coverage_json(report: CoverageDep) -> CoverageReport:
    """Planned units inspected, in progress, not started and cancelled, overall and by
    level; units due this quarter and not started."""
    return report


@router.get("/coverage.xlsx", response_class=Response, responses=file_response(XLSX))
def coverage_xlsx(report: CoverageDep) -> Response:
    return attachment(exports.coverage_xlsx(report), XLSX, "tien-do-ke-hoach.xlsx")


@router.get("/coverage.csv", response_class=Response, responses=file_response(CSV))
def coverage_csv(report: CoverageDep) -> Response:
    return attachment(exports.coverage_csv(report), CSV, "tien-do-ke-hoach.csv")


@router.get("/coverage.svg", response_class=Response, responses=file_response(SVG))
def coverage_svg(report: CoverageDep) -> Response:
    return svg(charts.coverage_svg(report))
