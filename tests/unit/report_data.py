"""Report objects for the rendering tests (exports, charts): built by hand, not queried."""

from datetime import date
from typing import Any

from states.plans import CoverageStatus
from states.reports import (
    CoverageFigures,
    CoverageItem,
    CoverageLevel,
    CoverageReport,
    CriterionLine,
    DisciplineRecommendation,
    Line,
    ReinspectionFigures,
    RemediationFigures,
    SummaryReport,
)


def line(key: str, label: str, count: int, pct: float) -> Line:
    return Line(key=key, label_vi=label, label_en=key, count=count, pct=pct)


def summary_report(**changes: object) -> SummaryReport:
    """A quarter's summary with a figure in every table; ``changes`` override fields."""
    report = SummaryReport(
        date_from=date(2026, 1, 1),
        date_to=date(2026, 3, 31),
        organisation_id="org-hn",
        organisation_name="Sở Nội vụ",
        inspections=26,
        cancelled=1,
        by_kind=[
            Line(key="planned", label_vi="Theo kế hoạch", label_en="Planned", count=20, pct=76.9),
            Line(key="surprise", label_vi="Đột xuất", label_en="Surprise", count=6, pct=23.1),
            Line(key="joint", label_vi="Liên ngành", label_en="Joint", count=0, pct=0.0),
        ],
        by_level=[
            Line(
                key="commune",
                label_vi="UBND cấp xã (xã, phường, đặc khu)",
                label_en="Communes",
                count=19,
                pct=73.1,
            ),
            Line(key="school", label_vi="Trường", label_en="Schools", count=7, pct=26.9),
        ],
        findings=1234,
        findings_withdrawn=2,
        findings_by_group=[
            Line(key="WH", label_vi="Thời giờ làm việc", label_en="Hours", count=427, pct=34.6),
        ],
        findings_by_criterion=[
            CriterionLine(
                key="WH-01",
                group="WH",
                label_vi="Chấp hành thời giờ làm việc",
                label_en="Keeps working hours",
                count=427,
                pct=34.6,
            ),
        ],
        remediation=RemediationFigures(
            items=40, on_time=25, late=5, open=10, open_overdue=4, on_time_pct=73.5
        ),
        reinspections=ReinspectionFigures(
            verifications=6,
            closed=4,
            next_cycle=2,
            in_progress=1,
            reinspection_inspections=3,
            findings_resolved=30,
            findings_unresolved=5,
            findings_referred=1,
        ),
        discipline_people=1,
        discipline=[
            DisciplineRecommendation(
                person="Nguyễn Văn A",
                inspection_id="insp-7",
                unit_name="UBND phường Ba Đình",
                finding_no=2,
                criterion="WH-04",
                conclusion_number="210/TB-UBND",
                proposed_form="reprimand",
                status="decided",
                decided_form="reprimand",
                decision_number="15/QĐ-UBND",
                decided_on=date(2026, 5, 4),
            )
        ],
    )
    return report.model_copy(update=changes)


def figures(
    planned: int, inspected: int, in_progress: int, not_started: int, cancelled: int
) -> dict[str, Any]:
    def pct(n: int) -> float:
        return round(100 * n / planned, 1) if planned else 0.0

    return {
        "planned": planned,
        "inspected": inspected,
        "in_progress": in_progress,
        "not_started": not_started,
        "cancelled": cancelled,
        "pct_inspected": pct(inspected),
        "pct_in_progress": pct(in_progress),
        "pct_not_started": pct(not_started),
        "pct_cancelled": pct(cancelled),
    }


def item(n: int, status: CoverageStatus, inspection_id: str | None = None) -> CoverageItem:
    return CoverageItem(
        item_id=f"item-{n}",
        unit_id=f"school-{n}",
        unit_name=f"Trường THCS số {n}",
        level="school",
        period="2026-Q1",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        status=status,
        inspection_id=inspection_id,
    )


def coverage_report(**changes: object) -> CoverageReport:
    """81 schools, 28 inspected; ``changes`` override fields."""
    late = item(2, CoverageStatus.NOT_STARTED)
    report = CoverageReport(
        plan_id="plan-1",
        plan_number="12/KH-SNV",
        plan_title="Kế hoạch kiểm tra công vụ năm 2026",
        year=2026,
        on=date(2026, 5, 15),
        quarter="2026-Q2",
        overall=CoverageFigures(**figures(81, 28, 10, 40, 3)),
        by_level=[
            CoverageLevel(
                level="public_service_unit",
                label_vi="Đơn vị sự nghiệp (trường học…)",
                label_en="Public service units (schools…)",
                **figures(81, 28, 10, 40, 3),
            )
        ],
        replaced=1,
        due_this_quarter_not_started=[],
        late_not_started=[late],
        items=[item(1, CoverageStatus.INSPECTED, "insp-1"), late],
    )
    return report.model_copy(update=changes)
