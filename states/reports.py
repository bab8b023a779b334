"""The reports offices send upward (DOMAIN.md §2 step 14), as contracts.

``store.reports`` fills them from the read model; the API returns them as JSON and renders
the same objects as .xlsx, CSV and SVG, so every format shows the same figures.
"""

from datetime import date

from pydantic import Field

from states.complaints import ComplaintFigures
from states.contract import Contract
from states.discipline import FORM_LABELS, DisciplineForm, DisciplineStatus
from states.plans import CoverageStatus
from states.vocabulary import RemediationStatus


class Line(Contract):
    """One counted line of a table: a key, its label in both languages, count and share."""

    key: str
    label_vi: str
    label_en: str
    count: int
    pct: float = Field(description="share of the table's total, in percent, one decimal")


class CriterionLine(Line):
    group: str


class RemediationFigures(Contract):
    """Remediation items (one per finding and cycle) by how they were reported."""

    items: int
    on_time: int = Field(description="reported on or before the due date")
    late: int = Field(description="reported after the due date")
    open: int = Field(description="not reported yet")
    open_overdue: int = Field(description="not reported and past the due date (part of open)")
    on_time_pct: float | None = Field(
        description="on_time / (on_time + late + open_overdue): of the items that fell due; "
        "null when none has fallen due yet (an empty rate, not 0 %)"
    )


class ReinspectionFigures(Contract):
    """Verification re-inspections and what they concluded."""

    verifications: int = Field(description="re-inspections concluded (verify)")
    closed: int = Field(description="…that closed the inspection: all resolved or referred")
    next_cycle: int = Field(description="…that found open findings: a new remediation cycle")
    in_progress: int = Field(description="inspections being re-inspected now")
    reinspection_inspections: int = Field(description="inspections of kind reinspection")
    findings_resolved: int
    findings_unresolved: int
    findings_referred: int


class DisciplineRecommendation(Contract):
    person: str
    inspection_id: str
    unit_name: str
    finding_no: int
    criterion: str
    # As the report names it: the conclusion notice, and the record the managing authority
    # keeps (empty when the conclusion only named the person).
    conclusion_number: str = ""
    position: str = ""
    proposed_form: str = ""
    status: str = ""
    decided_form: str = ""
    decision_number: str = ""
    decided_on: date | None = None
    reason: str = ""

    def line(self) -> str:
        """``TB số 210/TB-UBND, tồn tại 2: Nguyễn Văn A — khiển trách (đã quyết định …)``."""
        return discipline_line(self)


def discipline_line(d: DisciplineRecommendation) -> str:
    where = f"TB số {d.conclusion_number}, " if d.conclusion_number else ""
    text = f"{where}tồn tại {d.finding_no}: {d.person}"
    form = d.decided_form or d.proposed_form
    if form:
        text += f" — {_form_vi(form)}"
    if d.status == DisciplineStatus.DECIDED.value:
        text += f" (đã quyết định {d.decision_number}" + (
            f" ngày {d.decided_on:%d/%m/%Y})" if d.decided_on else ")"
        )
    elif d.status == DisciplineStatus.NOT_PURSUED.value:
        text += " (không xử lý" + (f": {d.reason}" if d.reason else "") + ")"
    elif d.status == DisciplineStatus.PROPOSED.value:
        text += " (đang chờ cơ quan quản lý quyết định)"
    return text


def _form_vi(form: str) -> str:
    try:
        return FORM_LABELS[DisciplineForm(form)][0].lower()
    except ValueError:
        return form


class SummaryReport(Contract):
    """Inspections decided in [date_from, date_to] within the caller's scope."""

    date_from: date
    date_to: date
    organisation_id: str | None = None
    organisation_name: str = ""
    kind: str | None = Field(default=None, description="only inspections of this kind")
    attached_as_parent: bool = Field(
        default=True,
        description="a unit attached to a People's Committee (its one-stop shop, an agency "
        "of the Committee) counted under the Committee's level; false: by its own level",
    )
    plan_id: str | None = Field(default=None, description="only inspections of this plan")
    plan_number: str = ""
    issuer_id: str | None = Field(
        default=None, description="only inspections this organisation issued"
    )
    issuer_name: str = ""
    inspections: int
    cancelled: int = Field(description="of which terminated (đình chỉ) before the conclusion")
    by_kind: list[Line]
    by_level: list[Line]
    findings: int = Field(description="findings, withdrawn ones excluded")
    findings_withdrawn: int
    findings_by_group: list[Line]
    findings_by_criterion: list[CriterionLine]
    remediation: RemediationFigures
    reinspections: ReinspectionFigures
    discipline_people: int = Field(description="people recommended for discipline")
    discipline: list[DisciplineRecommendation]
    complaints: ComplaintFigures | None = Field(
        default=None,
        description="complaints received in the period (the issuing side's readers only)",
    )


class CoverageFigures(Contract):
    """Planned units in four buckets that add up to ``planned``; shares of ``planned``."""

    planned: int
    inspected: int
    in_progress: int
    not_started: int
    cancelled: int
    pct_inspected: float
    pct_in_progress: float
    pct_not_started: float
    pct_cancelled: float


class CoverageLevel(CoverageFigures):
    level: str
    label_vi: str
    label_en: str


class CoverageItem(Contract):
    item_id: str
    unit_id: str
    unit_name: str
    level: str
    period: str
    period_start: date
    period_end: date
    status: CoverageStatus
    inspection_id: str | None = None
    inspection_state: str | None = None


class CoverageReport(Contract):
    plan_id: str
    plan_number: str
    plan_title: str
    year: int
    on: date = Field(description="the day 'this quarter' is counted from")
    quarter: str
    overall: CoverageFigures
    by_level: list[CoverageLevel]
    replaced: int = Field(description="items replaced by plan adjustment (their successors count)")
    slot_checks: int = Field(
        default=0,
        description="checks the plan schedules by slot without naming the units (surprise "
        "checks), counted in the figures: filled ones as inspected or in progress, the rest "
        "as not started",
    )
    due_this_quarter_not_started: list[CoverageItem]
    late_not_started: list[CoverageItem] = Field(
        description="planned for an earlier quarter and still not started"
    )
    items: list[CoverageItem]


class RemediationEntry(Contract):
    """One remediation item (a finding's action and due date in one cycle) across a unit's
    inspections, with what finds it in the paper trail (``GET /remediations``)."""

    inspection_id: str
    title: str
    unit_id: str
    unit_name: str
    decision_number: str
    conclusion_number: str
    conclusion_date: date | None
    finding_no: int
    criterion: str
    description: str
    cycle: int
    action: str
    due_on: date
    status: RemediationStatus
    reported_on: date | None
    overdue: bool
