"""The paper trail: which official document each step of an inspection issues, declared
once. The register (``store.register``) numbers them when their step is recorded; the
pages list them and ``documents`` lays them out.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from states.calendar import local_date
from states.models import InspectionSnapshot, NotifyInput, TransitionEvent
from states.vocabulary import (
    INSPECTED_POSITIONS,
    InspectionState,
    NoticeKind,
    Position,
    Trigger,
)


class Paper(StrEnum):
    """The kinds of document an inspection issues (their layouts: ``documents.kinds``)."""

    DECISION = "decision"
    TEAM_CHANGE = "team_change"
    NOTICE = "notice"
    MINUTES = "minutes"
    FINDINGS_REPORT = "findings_report"
    CONCLUSION = "conclusion"
    VISIT_EXTENSION = "visit_extension"
    REMINDER = "reminder"
    REMEDIATION_REPORT = "remediation_report"
    SELF_REPORT = "self_report"


class Issuer(StrEnum):
    ISSUER = "issuer"  # the organisation that decided the inspection
    UNIT = "unit"  # the inspected unit (its own report)


@dataclass(frozen=True)
class PaperSpec:
    paper: Paper
    type: str  # the register's type code (Decree 30/2020 Appendix III)
    issuer: Issuer
    title_vi: str
    title_en: str
    # The command field holding a number typed for a document already issued on paper.
    typed: str | None = None
    # Seen only by the issuing side (an internal report).
    internal: bool = False


DECIDE = "decide"

PAPERS: dict[Paper, PaperSpec] = {
    s.paper: s
    for s in (
        PaperSpec(
            Paper.DECISION, "QĐ", Issuer.ISSUER, "Quyết định kiểm tra", "Inspection decision"
        ),
        PaperSpec(
            Paper.TEAM_CHANGE,
            "QĐ",
            Issuer.ISSUER,
            "Quyết định thay đổi thành viên Đoàn kiểm tra",
            "Decision changing the team's members",
            "number",
        ),
        PaperSpec(
            Paper.NOTICE, "TB", Issuer.ISSUER, "Thông báo kiểm tra", "Inspection notice", "number"
        ),
        PaperSpec(
            Paper.MINUTES, "BB", Issuer.ISSUER, "Biên bản kiểm tra", "Inspection minutes", "number"
        ),
        PaperSpec(
            Paper.FINDINGS_REPORT,
            "BC",
            Issuer.ISSUER,
            "Báo cáo kết quả kiểm tra",
            "Findings report",
            "number",
            internal=True,
        ),
        PaperSpec(
            Paper.CONCLUSION,
            "TB",
            Issuer.ISSUER,
            "Thông báo kết luận kiểm tra",
            "Conclusion notice",
            "number",
        ),
        PaperSpec(
            Paper.VISIT_EXTENSION,
            "QĐ",
            Issuer.ISSUER,
            "Quyết định gia hạn thời gian kiểm tra",
            "On-site extension decision",
        ),
        PaperSpec(
            Paper.REMINDER,
            "CV",
            Issuer.ISSUER,
            "Công văn đôn đốc khắc phục",
            "Reminder letter",
        ),
        PaperSpec(
            Paper.REMEDIATION_REPORT,
            "BC",
            Issuer.UNIT,
            "Báo cáo kết quả khắc phục",
            "Remediation report",
        ),
        PaperSpec(
            Paper.SELF_REPORT,
            "BC",
            Issuer.ISSUER,
            "Báo cáo kết quả tự kiểm tra",
            "Self-inspection report",
        ),
    )
}

# The document each step issues, by the trigger of its event.
STEP_PAPERS: dict[str, Paper] = {
    DECIDE: Paper.DECISION,
    Trigger.CHANGE_TEAM.value: Paper.TEAM_CHANGE,
    Trigger.SEND_NOTICE.value: Paper.NOTICE,
    Trigger.RECORD_VISIT.value: Paper.MINUTES,
    Trigger.REPORT_FINDINGS.value: Paper.FINDINGS_REPORT,
    Trigger.CONCLUDE.value: Paper.CONCLUSION,
    Trigger.EXTEND_VISIT.value: Paper.VISIT_EXTENSION,
    Trigger.REPORT_REMEDIATION.value: Paper.REMEDIATION_REPORT,
}
# Where an event's command keeps its date, and the typed number of the decision.
_DATE_FIELDS = ("signed_on", "held_on")


@dataclass(frozen=True)
class Issue:
    """One document to register: what issues it, when, and the number typed for it."""

    key: str
    paper: Paper
    type: str
    issuer_id: str
    year: int
    signed_on: date
    subject: str
    signer: str
    typed: str = ""
    seq: int | None = None


def readable_by(paper: Paper, position: Position) -> bool:
    """Whether someone standing at ``position`` reads the document: the inspected side reads
    what was sent to it, never the team's internal report to the decision-maker."""
    return not (PAPERS[paper].internal and position in INSPECTED_POSITIONS)


def issuer_of(spec: PaperSpec, s: InspectionSnapshot) -> str | None:
    return s.unit_id if spec.issuer is Issuer.UNIT else s.decision.issuer_id


def subject_of(spec: PaperSpec, s: InspectionSnapshot) -> str:
    return f"{spec.title_vi}: {s.title}"[:500]


def _event_date(event: TransitionEvent) -> date:
    payload = event.payload
    raw: Any = None
    if event.trigger == DECIDE:
        raw = (payload.get("decision") or {}).get("signed_on")
    else:
        raw = next((payload[f] for f in _DATE_FIELDS if payload.get(f)), None)
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return local_date(event.at)


def typed_number(event: TransitionEvent, spec: PaperSpec) -> str:
    payload = event.payload
    if event.trigger == DECIDE:
        return str((payload.get("decision") or {}).get("number") or "")
    return str(payload.get(spec.typed) or "") if spec.typed else ""


def issues_of(s: InspectionSnapshot, event: TransitionEvent) -> list[Issue]:
    """The documents ``event``'s step issued: its own, and a self-inspection's report to the
    unit's managing body when the step closes it."""
    found = [_issue(s, event, paper) for paper in _papers_of(s, event)]
    return [issue for issue in found if issue is not None]


def _papers_of(s: InspectionSnapshot, event: TransitionEvent) -> list[Paper]:
    papers = [STEP_PAPERS[event.trigger]] if event.trigger in STEP_PAPERS else []
    closes = event.to_state is InspectionState.CLOSED and event.from_state is not None
    if s.reports_upward and closes and event.from_state is not InspectionState.CLOSED:
        papers.append(Paper.SELF_REPORT)
    return papers


def _issue(s: InspectionSnapshot, event: TransitionEvent, paper: Paper) -> Issue | None:
    spec = PAPERS[paper]
    issuer = issuer_of(spec, s)
    if issuer is None:
        return None
    on = _event_date(event)
    # The step's own document carries its signer and typed number; a report it occasions
    # is signed by the unit's head, in the office, later.
    own = paper is STEP_PAPERS.get(event.trigger)
    return Issue(
        key=f"{s.inspection_id}:{event.seq}:{paper.value}",
        paper=paper,
        type=spec.type,
        issuer_id=issuer,
        year=on.year,
        signed_on=on,
        subject=subject_of(spec, s),
        signer=event.actor.name if own else "",
        typed=typed_number(event, spec) if own else "",
        seq=event.seq,
    )


def letters_of(s: InspectionSnapshot, notice: NotifyInput, on: date) -> list[Issue]:
    """The reminder letter (công văn đôn đốc) an overdue remediation item sends its unit."""
    if notice.kind is not NoticeKind.OVERDUE or notice.payload.get("deadline_kind") != (
        "remediation"
    ):
        return []
    spec = PAPERS[Paper.REMINDER]
    issuer = issuer_of(spec, s)
    if issuer is None:
        return []
    return [
        Issue(
            key=f"{s.inspection_id}:letter:{notice.deadline}",
            paper=Paper.REMINDER,
            type=spec.type,
            issuer_id=issuer,
            year=on.year,
            signed_on=on,
            subject=f"{spec.title_vi} nội dung số {notice.payload.get('finding_no', '')}: "
            f"{s.title}"[:500],
            signer="",
        )
    ]
