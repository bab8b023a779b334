"""Reports: the periodic summary and a plan's coverage with their filters, their charts
inline, and the .xlsx/CSV downloads.

The figures, the charts and the files are the JSON API's own (``api.routes.reports``,
``api.charts``, ``api.exports``) for the same filters; only reading the filters from a form
is the page's. The JSON downloads need a bearer token, so the page serves its own.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from api import charts, exports, period_report
from api.bounds import Day
from api.deps import SessionDep
from api.errors import ApiError, ErrorCode, message_for
from api.files import CSV, DOCX, XLSX, attachment
from api.routes.reports import coverage_report, summary_report
from api.web.caller import InspectionCallerDep
from api.web.i18n import gettext
from api.web.render import is_htmx, page
from api.web.session import check_csrf, read_session
from documents.render import render_docx
from states.bounds import ID_MAX
from states.plans import CoverageStatus
from states.reports import CoverageFigures, CoverageReport, SummaryReport
from states.scope import Viewer
from states.vocabulary import InspectionKind, Role
from store import plans as store_plans
from store.queries import organisations
from store.reports import issuers_seen
from store.tables import Organisation

router = APIRouter(dependencies=[Depends(check_csrf)])

_DAY = TypeAdapter(Day)
# A filter as it comes from the form: bounded, and "" when the field was left empty.
Filter = Annotated[str, Query(max_length=ID_MAX)]
DayFilter = Annotated[str, Query(max_length=10)]
FromFilter = Annotated[str, Query(alias="from", max_length=10)]
ToFilter = Annotated[str, Query(alias="to", max_length=10)]
KindFilter = Annotated[str, Query(max_length=20)]
SUMMARY_FILTERS = ("from", "to", "organisation", "kind", "plan_id", "issuer_id")
# The level setting's checkbox: a hidden "false" before it, so unticked is "false" and a
# link without the field keeps the default (on); the last value sent wins.
AttachedFilter = Annotated[str, Query(alias="attached_as_parent", max_length=5)]


def number(value: int, language: str) -> str:
    """1234 → "1.234" in Vietnamese, "1,234" in English."""
    return charts.vi_number(value) if language == "vi" else f"{value:,}"


def percent_text(value: float | None, language: str) -> str:
    """34.6 → "34,6 %"; no share at all (nothing to divide by) is "—", never "0 %"."""
    if value is None:
        return "—"
    return charts.vi_percent(value) if language == "vi" else f"{value:.1f} %"


def on_time_rate(report: SummaryReport) -> float | None:
    """The on-time share, or None when no remediation item has fallen due yet."""
    return report.remediation.on_time_pct


@dataclass
class Filters:
    """The report filters as the person typed them, and what was wrong with them."""

    raw: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    organisation: str | None = None
    kind: InspectionKind | None = None
    plan: str | None = None
    on: date | None = None
    summary_plan: str | None = None
    issuer: str | None = None
    attached_as_parent: bool = True


def read_filters(language: str, **raw: str) -> Filters:
    """Empty fields are "not given"; a day must be YYYY-MM-DD in the API's range."""
    f = Filters(raw={k: v.strip() for k, v in raw.items()})
    for name in ("from", "to", "on"):
        text = f.raw.get(name, "")
        if not text:
            continue
        try:
            day = _DAY.validate_python(text)
        except ValidationError:
            f.errors[name] = gettext(language, "Enter a valid date.")
            continue
        setattr(f, {"from": "date_from", "to": "date_to"}.get(name, name), day)
    if kind := f.raw.get("kind", ""):
        try:
            f.kind = InspectionKind(kind)
        except ValueError:
            f.errors["kind"] = gettext(language, "Choose a kind from the list.")
    f.organisation = f.raw.get("organisation") or None
    f.plan = f.raw.get("plan") or None
    f.summary_plan = f.raw.get("plan_id") or None
    f.issuer = f.raw.get("issuer_id") or None
    f.attached_as_parent = f.raw.get("attached_as_parent", "").lower() not in ("false", "0", "off")
    return f


def run_summary(db: Session, viewer: Viewer, f: Filters, language: str) -> SummaryReport | None:
    """The API's summary for these filters; its refusals are marked on the filter they
    concern (a period that ends before it starts, an unknown organisation)."""
    if any(name in f.errors for name in SUMMARY_FILTERS):
        return None
    try:
        return summary_report(
            viewer,
            db,
            f.date_from,
            f.date_to,
            f.organisation,
            f.kind,
            plan_id=f.summary_plan,
            issuer_id=f.issuer,
            attached_as_parent=f.attached_as_parent,
        )
    except ApiError as refused:
        if refused.error is ErrorCode.INVALID_PAYLOAD:
            f.errors["to"] = gettext(language, "The end of the period is before its start.")
        elif refused.error is ErrorCode.NOT_FOUND and f.summary_plan:
            f.errors["plan_id"] = gettext(language, "Choose a plan from the list.")
        elif refused.error is ErrorCode.INVALID_COMMAND and "issuer_id" in (refused.detail or {}):
            f.errors["issuer_id"] = gettext(language, "Choose an organisation from the list.")
        elif refused.error is ErrorCode.INVALID_COMMAND:
            f.errors["organisation"] = gettext(language, "Choose an organisation from the list.")
        else:
            raise
        return None


def run_coverage(db: Session, viewer: Viewer, f: Filters) -> CoverageReport | None:
    """The API's coverage of the chosen plan (a plan the person may not see: 404, as the API)."""
    if f.plan is None or "on" in f.errors:
        return None
    return coverage_report(viewer, db, f.plan, f.on)


def organisation_choices(db: Session, viewer: Viewer, chosen: str | None) -> list[Organisation]:
    """The office's own root and the organisations right under it; the chosen one too."""
    root_id = viewer.organisation_id if viewer.role is Role.UNIT_REP else viewer.authority_root
    found: list[Organisation] = []
    if root_id:
        root = db.get(Organisation, root_id)
        found = ([root] if root else []) + organisations(db, root_id)
    if chosen and chosen not in {o.id for o in found}:
        extra = db.get(Organisation, chosen)
        if extra is not None:
            found.append(extra)
    return found


def coverage_bars(figures: CoverageFigures) -> list[dict[str, Any]]:
    """The four buckets of a 100 % bar: start and width in percent, each segment starting
    where the ones before end, so the bar never has a gap or an overlap."""
    segments = []
    done = 0
    for status, colour in charts.COVERAGE_COLOURS.items():
        n: int = getattr(figures, status.value)
        start = 100 * done / figures.planned if figures.planned else 0.0
        done += n
        end = 100 * done / figures.planned if figures.planned else 0.0
        segments.append(
            {
                "status": status,
                "count": n,
                "pct": getattr(figures, f"pct_{status.value}"),
                "x": f"{start:.2f}",
                "width": f"{end - start:.2f}",
                "colour": colour,
            }
        )
    return segments


def _query(pairs: dict[str, str | None]) -> str:
    return urlencode({k: v for k, v in pairs.items() if v})


@router.get("/reports")
def reports(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    date_from: FromFilter = "",
    date_to: ToFilter = "",
    organisation: Filter = "",
    kind: KindFilter = "",
    plan: Annotated[str | None, Query(max_length=ID_MAX)] = None,
    on: DayFilter = "",
    plan_id: Filter = "",
    issuer_id: Filter = "",
    attached_as_parent: AttachedFilter = "",
) -> Response:
    """Both reports under one GET form kept in the URL; htmx swaps the block below it."""
    language = read_session(request).language
    f = read_filters(
        language,
        **{"from": date_from, "to": date_to},
        organisation=organisation,
        kind=kind,
        plan=plan or "",
        on=on,
        plan_id=plan_id,
        issuer_id=issuer_id,
        attached_as_parent=attached_as_parent,
    )
    plans = store_plans.visible_plans(db, caller.viewer, None)
    if plan is None and plans:
        f.plan = plans[0].id  # the newest year's first plan, until the person chooses
    summary = run_summary(db, caller.viewer, f, language)
    coverage = run_coverage(db, caller.viewer, f)
    status = 422 if f.errors else 200
    # htmx 2 swaps no 4xx answer: the block with the marked fields comes as a 200 to it.
    if status == 422 and is_htmx(request):
        status = 200
    return page(
        request,
        "reports.html",
        {
            "f": f,
            "summary": summary,
            "coverage": coverage,
            "plans": plans,
            "organisation_choices": organisation_choices(db, caller.viewer, f.organisation),
            "issuer_choices": issuers_seen(db, caller.viewer),
            "kinds": list(InspectionKind),
            "summary_chart": Markup(charts.summary_svg(summary)) if summary else None,
            "coverage_chart": Markup(charts.coverage_svg(coverage)) if coverage else None,
            "summary_query": _query(
                {
                    "from": summary.date_from.isoformat() if summary else None,
                    "to": summary.date_to.isoformat() if summary else None,
                    "organisation": f.organisation,
                    "kind": f.kind.value if f.kind else None,
                    "plan_id": f.summary_plan,
                    "issuer_id": f.issuer,
                    "attached_as_parent": None if f.attached_as_parent else "false",
                }
            ),
            "coverage_query": _query(
                {
                    "plan": coverage.plan_id if coverage else None,
                    "on": coverage.on.isoformat() if coverage else None,
                }
            ),
            "on_time": on_time_rate(summary) if summary else None,
            "coverage_levels": [
                (level.label_en if language == "en" else level.label_vi, level)
                for level in (coverage.by_level if coverage else [])
            ],
            "coverage_status": CoverageStatus,
            "bars": coverage_bars,
            "number": lambda n: number(n, language),
            "pct": lambda v: percent_text(v, language),
            "refusal": message_for(ErrorCode.INVALID_PAYLOAD, language, "") if f.errors else "",
        },
        status=status,
        block="results",
    )


@dataclass
class SummaryMore:
    """The summary's newer filters, as the downloads read them from the URL."""

    plan_id: Filter = ""
    issuer_id: Filter = ""
    attached_as_parent: AttachedFilter = ""


SummaryMoreDep = Annotated[SummaryMore, Depends()]


def _summary_file(
    request: Request,
    caller: InspectionCallerDep,
    db: Session,
    date_from: str,
    date_to: str,
    organisation: str,
    kind: str,
    more: SummaryMore,
) -> SummaryReport:
    language = read_session(request).language
    f = read_filters(
        language,
        **{"from": date_from, "to": date_to},
        organisation=organisation,
        kind=kind,
        plan_id=more.plan_id,
        issuer_id=more.issuer_id,
        attached_as_parent=more.attached_as_parent,
    )
    report = run_summary(db, caller.viewer, f, language)
    if report is None:
        raise ApiError(ErrorCode.INVALID_PAYLOAD, "bad report filters", f.errors)
    return report


def _coverage_file(
    request: Request, caller: InspectionCallerDep, db: Session, plan: str, on: str
) -> CoverageReport:
    language = read_session(request).language
    f = read_filters(language, plan=plan, on=on)
    if f.errors or f.plan is None:
        raise ApiError(ErrorCode.INVALID_PAYLOAD, "bad report filters", f.errors or {"plan": ""})
    report = run_coverage(db, caller.viewer, f)
    assert report is not None  # a plan is given and the day is valid
    return report


# The same files as the JSON API's downloads, with the same filters, for the pages' cookie.
SUMMARY_FILES: dict[str, tuple[Callable[[SummaryReport], bytes | str], str]] = {
    "xlsx": (exports.summary_xlsx, XLSX),
    "csv": (exports.summary_csv, CSV),
}
COVERAGE_FILES: dict[str, tuple[Callable[[CoverageReport], bytes | str], str]] = {
    "xlsx": (exports.coverage_xlsx, XLSX),
    "csv": (exports.coverage_csv, CSV),
}
FileFormat = Annotated[Literal["xlsx", "csv"], Path()]


@router.get("/reports/summary.docx")
def summary_document(
    request: Request,
    caller: InspectionCallerDep,
    db: SessionDep,
    more: SummaryMoreDep,
    date_from: FromFilter = "",
    date_to: ToFilter = "",
    organisation: Filter = "",
    kind: KindFilter = "",
) -> Response:
    """The period's report as a Word document (the API's ``/reports/summary.docx``)."""
    report = _summary_file(request, caller, db, date_from, date_to, organisation, kind, more)
    ctx = period_report.context(db, caller.viewer, report)
    return attachment(render_docx(ctx), DOCX, "bao-cao-kiem-tra-cong-vu.docx")


@router.get("/reports/summary.{fmt}")
def summary_file(
    request: Request,
    fmt: FileFormat,
    caller: InspectionCallerDep,
    db: SessionDep,
    more: SummaryMoreDep,
    date_from: FromFilter = "",
    date_to: ToFilter = "",
    organisation: Filter = "",
    kind: KindFilter = "",
) -> Response:
    report = _summary_file(request, caller, db, date_from, date_to, organisation, kind, more)
    write, media = SUMMARY_FILES[fmt]
    return attachment(write(report), media, f"bao-cao-tong-hop.{fmt}")


@router.get("/reports/coverage.{fmt}")
def coverage_file(
    request: Request,
    fmt: FileFormat,
    caller: InspectionCallerDep,
    db: SessionDep,
    plan: Filter = "",
    on: DayFilter = "",
) -> Response:
    report = _coverage_file(request, caller, db, plan, on)
    write, media = COVERAGE_FILES[fmt]
    return attachment(write(report), media, f"tien-do-ke-hoach.{fmt}")
