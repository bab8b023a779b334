"""Report queries over the read model: the periodic summary and a plan's coverage.

Every figure is a SQL aggregate over the inspections the caller may see (``scoped``),
so the numbers equal what a person would count from the list with the same filters.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from states.calendar import VN_TZ
from states.checklist import GROUPS, STANDARD_CODES
from states.labels import (
    KIND_LABELS,
    level_group,
    level_group_label,
    level_sort_key,
    report_group,
)
from states.plans import (
    CoverageStatus,
    PlanItemStatus,
    coverage_status,
    percent,
    quarter_of,
    slot_figures,
)
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
from states.scope import Viewer, may_see_plan_slots
from states.vocabulary import (
    FindingStatus,
    InspectionKind,
    InspectionState,
    RemediationStatus,
    VerificationOutcome,
)
from store import checklist as checklists
from store.plans import inspections_of_items, items_of, slot_fills, slots_of
from store.scope import Scoped, scoped
from store.tables import (
    DisciplineCase,
    DisciplineRecord,
    Document,
    Event,
    FindingRecord,
    Inspection,
    Organisation,
    Plan,
    PlanItem,
    RemediationRecord,
)


@dataclass(frozen=True)
class SummaryQuery:
    date_from: date
    date_to: date
    # "Overdue" for open remediation items is counted against this day.
    today: date
    organisation_id: str | None = None
    organisation_name: str = ""
    # The organisation's chain, root … organisation: narrows the report to its subtree.
    organisation_chain: tuple[str, ...] = ()
    kind: str | None = None
    # A unit attached to a People's Committee counts under its level (states.labels).
    attached_as_parent: bool = True
    # Only inspections started from this plan's items; only those this organisation issued.
    plan_id: str | None = None
    plan_number: str = ""
    issuer_id: str | None = None
    issuer_name: str = ""


def _day_start(day: date) -> datetime:
    """Midnight in Vietnam: a report's dates are Vietnamese dates."""
    return datetime.combine(day, time(), VN_TZ)


def report_scope(viewer: Viewer, q: SummaryQuery) -> tuple[Scoped, list[Any]]:
    """The inspections a summary counts: in scope (narrowed to the organisation, secret ones
    only for their issuing side, as in lists), decided in the period, of the kind."""
    s = scoped(viewer, list(q.organisation_chain) or None)
    where: list[Any] = [
        *s.where,
        s.decided_at >= _day_start(q.date_from),
        s.decided_at < _day_start(q.date_to + timedelta(days=1)),
    ]
    if q.kind:
        where.append(s.kind == q.kind)
    if q.plan_id:
        where.append(s.plan_item_id.in_(select(PlanItem.id).where(PlanItem.plan_id == q.plan_id)))
    if q.issuer_id:
        where.append(s.issuer_id == q.issuer_id)
    return s, where


def issuers_seen(session: Session, viewer: Viewer, limit: int = 200) -> list[tuple[str, str]]:
    """The organisations that issued inspections ``viewer`` may see (id, name), by name:
    the choices of the issuer filter, and the ids it accepts."""
    s = scoped(viewer)
    issued = select(s.issuer_id).where(*s.where, s.issuer_id.is_not(None)).distinct()
    rows = session.exec(
        select(Organisation.id, Organisation.name)
        .where(col(Organisation.id).in_(issued))
        .order_by(col(Organisation.name))
        .limit(limit)
    ).all()
    return [(oid, name) for oid, name in rows]


def issuer_seen(session: Session, viewer: Viewer, issuer_id: str) -> bool:
    """Whether ``viewer`` may see an inspection ``issuer_id`` issued."""
    s = scoped(viewer)
    found = session.exec(select(s.inspection_id).where(*s.where, s.issuer_id == issuer_id).limit(1))
    return found.first() is not None


def _lines(
    counts: dict[str, int], labels: dict[str, tuple[str, str]], keys: list[str]
) -> list[Line]:
    total = sum(counts.values())
    return [
        Line(
            key=key,
            label_vi=labels.get(key, (key, key))[0],
            label_en=labels.get(key, (key, key))[1],
            count=counts.get(key, 0),
            pct=percent(counts.get(key, 0), total),
        )
        for key in keys
    ]


def summary(session: Session, viewer: Viewer, q: SummaryQuery) -> SummaryReport:
    s, where = report_scope(viewer, q)
    ids = select(s.inspection_id).where(*where)

    kinds = dict(session.exec(select(s.kind, func.count()).where(*where).group_by(s.kind)).all())
    levels: Counter[str] = Counter()
    parent = aliased(Organisation)
    for level, parent_level, n in session.exec(
        select(Organisation.level, parent.level, func.count())
        .join_from(s.source, Organisation, col(Organisation.id) == s.unit_id)
        .outerjoin(parent, col(parent.id) == col(Organisation.parent_id))
        .where(*where)
        .group_by(col(Organisation.level), col(parent.level))
    ).all():
        levels[report_group(level, parent_level, q.attached_as_parent)] += n

    by_criterion: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for criterion, status, n in session.exec(
        select(FindingRecord.criterion, FindingRecord.status, func.count())
        .where(col(FindingRecord.inspection_id).in_(ids))
        .group_by(col(FindingRecord.criterion), col(FindingRecord.status))
    ).all():
        by_status[status] += n
        if status != FindingStatus.WITHDRAWN:
            by_criterion[criterion] += n
    findings = sum(by_criterion.values())
    by_group: Counter[str] = Counter()
    for code, n in by_criterion.items():
        by_group[code.split("-")[0]] += n

    # A code never changes its meaning (states.checklist): the latest wording labels it.
    labels = checklists.labels_of(session, checklists.current(session).version)
    return SummaryReport(
        date_from=q.date_from,
        date_to=q.date_to,
        organisation_id=q.organisation_id,
        organisation_name=q.organisation_name,
        kind=q.kind,
        attached_as_parent=q.attached_as_parent,
        plan_id=q.plan_id,
        plan_number=q.plan_number,
        issuer_id=q.issuer_id,
        issuer_name=q.issuer_name,
        inspections=sum(kinds.values()),
        cancelled=session.exec(
            select(func.count()).where(*where, s.state == InspectionState.CANCELLED)
        ).one(),
        by_kind=_lines(
            kinds, {k.value: v for k, v in KIND_LABELS.items()}, [k.value for k in InspectionKind]
        ),
        by_level=_lines(
            dict(levels),
            {g: level_group_label(g) for g in levels},
            sorted(levels, key=level_sort_key),
        ),
        findings=findings,
        findings_withdrawn=by_status[FindingStatus.WITHDRAWN],
        findings_by_group=_lines(dict(by_group), GROUPS, list(GROUPS)),
        findings_by_criterion=[
            CriterionLine(
                key=code,
                group=labels[code].group if code in labels else code.split("-")[0],
                label_vi=labels[code].vi if code in labels else code,
                label_en=labels[code].en if code in labels else code,
                count=by_criterion[code],
                pct=percent(by_criterion[code], findings),
            )
            for code in sorted(by_criterion, key=_criterion_order)
        ],
        remediation=_remediation(session, ids, q.today),
        reinspections=_reinspections(session, s, where, ids, kinds),
        **_discipline(session, ids),
    )


def _criterion_order(code: str) -> tuple[int, str]:
    return (STANDARD_CODES.index(code) if code in STANDARD_CODES else len(STANDARD_CODES), code)


def _remediation(session: Session, ids: Any, today: date) -> RemediationFigures:
    r = RemediationRecord
    reported = col(r.reported_on).is_not(None)
    on_time = and_(reported, col(r.reported_on) <= col(r.due_on))
    overdue = and_(col(r.reported_on).is_(None), col(r.due_on) < today)
    row = session.exec(
        select(
            func.count(),
            func.sum(case((on_time, 1), else_=0)),
            func.sum(case((reported, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        ).where(col(r.inspection_id).in_(ids), col(r.status) != RemediationStatus.CANCELLED.value)
    ).one()
    items, on_time_n, reported_n, overdue_n = (int(v or 0) for v in row)
    late = reported_n - on_time_n
    return RemediationFigures(
        items=items,
        on_time=on_time_n,
        late=late,
        open=items - reported_n,
        open_overdue=overdue_n,
        on_time_pct=(
            percent(on_time_n, on_time_n + late + overdue_n)
            if on_time_n + late + overdue_n
            else None
        ),
    )


def _reinspections(
    session: Session, s: Scoped, where: list[Any], ids: Any, kinds: dict[str, int]
) -> ReinspectionFigures:
    """Each verification's destination and, from its recorded command, the outcome it gave
    every finding (a finding found unresolved is reopened, so its status cannot tell)."""
    verifications = session.exec(
        select(Event.to_state, Event.payload).where(
            Event.trigger == "verify", col(Event.inspection_id).in_(ids)
        )
    ).all()
    outcomes: Counter[str] = Counter(
        result.get("outcome", "")
        for _, payload in verifications
        for result in (payload or {}).get("results", [])
    )
    closed = sum(1 for state, _ in verifications if state == InspectionState.CLOSED)
    in_progress = session.exec(
        select(func.count()).where(*where, s.state == InspectionState.REINSPECTING)
    ).one()
    return ReinspectionFigures(
        verifications=len(verifications),
        closed=closed,
        next_cycle=len(verifications) - closed,
        in_progress=in_progress,
        reinspection_inspections=kinds.get(InspectionKind.REINSPECTION.value, 0),
        findings_resolved=outcomes[VerificationOutcome.RESOLVED],
        findings_unresolved=outcomes[VerificationOutcome.UNRESOLVED],
        findings_referred=outcomes[VerificationOutcome.REFERRED],
    )


def _discipline(session: Session, ids: Any) -> dict[str, Any]:
    """The people recommended for discipline: those the conclusions name and those the
    issuing side recorded since (``discipline_case``), each by the conclusion's number with
    what the managing authority decided."""
    d = DisciplineRecord
    rows = session.exec(
        select(d, FindingRecord.criterion, Inspection.unit_name, Inspection.decided_at)
        .join(Inspection, col(Inspection.id) == col(d.inspection_id))
        .join(
            FindingRecord,
            (col(FindingRecord.inspection_id) == col(d.inspection_id))
            & (col(FindingRecord.no) == col(d.finding_no)),
        )
        .where(col(d.inspection_id).in_(ids))
    ).all()
    cases = session.exec(
        select(DisciplineCase, Inspection.unit_name, Inspection.decided_at)
        .join(Inspection, col(Inspection.id) == col(DisciplineCase.inspection_id))
        .where(col(DisciplineCase.inspection_id).in_(ids))
    ).all()
    numbers = dict(
        session.exec(
            select(Document.inspection_id, Document.symbol)
            .where(col(Document.inspection_id).in_(ids))
            .where(col(Document.key).like("%:conclusion"))
        ).all()
    )
    found: dict[tuple[str, int, str], tuple[datetime, DisciplineRecommendation]] = {}
    for r, criterion, unit, decided_at in rows:
        found[(r.inspection_id, r.finding_no, r.person)] = (
            decided_at,
            DisciplineRecommendation(
                person=r.person,
                inspection_id=r.inspection_id,
                unit_name=unit,
                finding_no=r.finding_no,
                criterion=criterion,
                conclusion_number=numbers.get(r.inspection_id) or "",
            ),
        )
    for c, unit, decided_at in cases:
        found[(c.inspection_id, c.finding_no, c.person_name)] = (
            decided_at,
            DisciplineRecommendation(
                person=c.person_name,
                inspection_id=c.inspection_id,
                unit_name=unit,
                finding_no=c.finding_no,
                criterion=c.criterion,
                conclusion_number=c.conclusion_number or numbers.get(c.inspection_id) or "",
                position=c.position,
                proposed_form=c.proposed_form,
                status=c.status,
                decided_form=c.decided_form or "",
                decision_number=c.decision_number,
                decided_on=c.decided_on,
                reason=c.reason,
            ),
        )
    ordered = sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]))
    recommendations = [rec for _, (_, rec) in ordered]
    # One person named under several findings of one inspection is one person.
    people = {(r.inspection_id, r.person) for r in recommendations}
    return {"discipline": recommendations, "discipline_people": len(people)}


def _figures(statuses: list[CoverageStatus]) -> dict[str, Any]:
    counts = Counter(statuses)
    planned = len(statuses)
    values: dict[str, Any] = {"planned": planned}
    for status in CoverageStatus:
        values[status.value] = counts[status]
        values[f"pct_{status.value}"] = percent(counts[status], planned)
    return values


# The report line of slots that name no level of unit.
ANY_LEVEL = "surprise_any"


def _slot_statuses(session: Session, viewer: Viewer, plan: Plan) -> dict[str, list[CoverageStatus]]:
    """Each slot's checks as coverage statuses by level group: visited fills inspected,
    the other fills in progress, the rest not started. The issuing side's figures: a unit's
    representative reads only its own items."""
    if not may_see_plan_slots(viewer):
        return {}
    slots = slots_of(session, plan.id)
    fills = slot_fills(session, [s.id for s in slots])
    found: dict[str, list[CoverageStatus]] = {}
    for slot in slots:
        f = slot_figures(slot.count, fills[slot.id])
        found.setdefault(level_group(slot.level) if slot.level else ANY_LEVEL, []).extend(
            [CoverageStatus.INSPECTED] * f.inspected
            + [CoverageStatus.IN_PROGRESS] * (f.filled - f.inspected)
            + [CoverageStatus.NOT_STARTED] * f.open
        )
    return found


def coverage(session: Session, viewer: Viewer, plan: Plan, on: date) -> CoverageReport:
    """Where each planned unit stands on ``on``, counted overall and by level."""
    items = items_of(session, plan.id, viewer)
    started = inspections_of_items(session, [i.id for i in items])
    rows: list[CoverageItem] = []
    replaced = 0
    for item in items:
        runs = started[item.id]
        status = coverage_status(
            PlanItemStatus(item.status),
            [(InspectionState(r.state), r.visited_at is not None) for r in runs],
        )
        if status is None:
            replaced += 1
            continue
        live = [r for r in runs if r.state != InspectionState.CANCELLED] or runs
        latest = live[-1] if live else None
        rows.append(
            CoverageItem(
                item_id=item.id,
                unit_id=item.unit_id,
                unit_name=item.unit_name,
                level=item.unit_level,
                period=item.period,
                period_start=item.period_start,
                period_end=item.period_end,
                status=status,
                inspection_id=latest.id if latest else None,
                inspection_state=latest.state if latest else None,
            )
        )
    groups: dict[str, list[CoverageStatus]] = {}
    for row in rows:
        groups.setdefault(level_group(row.level), []).append(row.status)
    by_slot = _slot_statuses(session, viewer, plan)
    for group, statuses in by_slot.items():
        groups.setdefault(group, []).extend(statuses)
    slot_checks = sum(len(statuses) for statuses in by_slot.values())
    quarter = quarter_of(on)
    waiting = [r for r in rows if r.status is CoverageStatus.NOT_STARTED]
    return CoverageReport(
        plan_id=plan.id,
        plan_number=plan.number,
        plan_title=plan.title,
        year=plan.year,
        on=on,
        quarter=quarter.label,
        overall=CoverageFigures(
            **_figures([r.status for r in rows] + [s for v in by_slot.values() for s in v])
        ),
        by_level=[
            CoverageLevel(
                level=group,
                label_vi=level_group_label(group)[0],
                label_en=level_group_label(group)[1],
                **_figures(groups[group]),
            )
            for group in sorted(groups, key=level_sort_key)
        ],
        replaced=replaced,
        slot_checks=slot_checks,
        due_this_quarter_not_started=[
            r for r in waiting if quarter.start <= r.period_end <= quarter.end
        ],
        late_not_started=[r for r in waiting if r.period_end < quarter.start],
        items=rows,
    )
