"""Evidence files (tài liệu, chứng cứ): what each supports, who may attach one and when, and
until when it may be taken back — pure rules over the snapshot.

A file supports one part of the inspection: a checklist result of the visit (the team's,
while on site), a finding's remediation (the unit's, until that finding's report of the
cycle is in), a dispute of a finding (the unit's, until the dispute is submitted), or — once
complaints exist — a complaint. Who belongs to the side that attaches it is decided by the
very check of the command the file goes with (``check_actor``), so the rule stays in one
place. A file is taken back only before the report it belongs to is submitted.
"""

from datetime import UTC, datetime
from enum import StrEnum

from states.errors import InvalidCommand, InvalidTransition
from states.models import Actor, InspectionSnapshot, RemediationItem
from states.rules import check_actor
from states.vocabulary import InspectionState, RemediationStatus, Trigger

REF_MAX = 32
FILES_PER_UPLOAD = 10


class EvidenceTarget(StrEnum):
    """What a file supports; ``ref`` names which one."""

    VISIT = "visit"  # ref: the criterion's code
    REMEDIATION = "remediation"  # ref: the finding's number
    DISPUTE = "dispute"  # ref: the finding's number
    COMPLAINT = "complaint"  # ref: the complaint's id (complaints are not kept yet)


# The command each target's file goes with: its party attaches the file.
TRIGGER_OF = {
    EvidenceTarget.VISIT: Trigger.RECORD_VISIT,
    EvidenceTarget.REMEDIATION: Trigger.REPORT_REMEDIATION,
    EvidenceTarget.DISPUTE: Trigger.DISPUTE,
}
UPLOADABLE = tuple(TRIGGER_OF)
REMEDIATION_STATES = frozenset(
    {
        InspectionState.REMEDIATION_REQUESTED,
        InspectionState.REMEDIATING,
        InspectionState.DISPUTED,
    }
)
_WHEN = {
    EvidenceTarget.VISIT: (
        "while the team is on site",
        "trong thời gian đoàn kiểm tra làm việc tại đơn vị",
    ),
    EvidenceTarget.REMEDIATION: (
        "while the remediation is under way",
        "trong thời gian đơn vị khắc phục tồn tại",
    ),
    EvidenceTarget.DISPUTE: (
        "before the unit submits its dispute",
        "trước khi đơn vị gửi giải trình",
    ),
}


def _target(target: str) -> EvidenceTarget:
    kind = next((t for t in UPLOADABLE if t.value == target), None)
    if kind is None:
        raise InvalidCommand(
            f"files are attached to {', '.join(UPLOADABLE)}, not {target[:40]!r}",
            {"target": target[:40]},
            vi="Tài liệu chỉ đính kèm cho kết quả kiểm tra, khắc phục hoặc giải trình.",
        )
    return kind


def _number(ref: str) -> int:
    """A finding's number as a ref names it (0: not a number)."""
    return int(ref) if ref.isdecimal() and len(ref) <= 6 else 0


def _finding_no(s: InspectionSnapshot, ref: str) -> int:
    no = _number(ref)
    if s.finding(no) is None:
        raise InvalidCommand(
            f"unknown finding {ref!r}",
            {"ref": ref},
            vi=f"Không có tồn tại số {ref} trong cuộc kiểm tra.",
        )
    return no


def open_item(s: InspectionSnapshot, no: int) -> RemediationItem | None:
    """The finding's remediation item of the current cycle, while it is still to report."""
    return next(
        (
            r
            for r in s.remediation
            if r.finding_no == no and r.cycle == s.cycle and r.status is RemediationStatus.OPEN
        ),
        None,
    )


def _state_refused(s: InspectionSnapshot, kind: EvidenceTarget) -> InvalidTransition:
    en, vi = _WHEN[kind]
    return InvalidTransition(
        f"files for {kind.value} are attached only {en}; the inspection is {s.state.value}",
        {"target": kind.value, "state": s.state.value},
        vi=f"Chỉ đính kèm được tài liệu này {vi}.",
    )


def _removal_refused(s: InspectionSnapshot, kind: EvidenceTarget) -> InvalidTransition:
    return InvalidTransition(
        "the file belongs to a report that has been submitted (or a step that is over) "
        "and can no longer be removed",
        {"target": kind.value, "state": s.state.value},
        vi="Không thể gỡ bỏ: tài liệu thuộc báo cáo đã được gửi hoặc bước công việc đã qua.",
    )


def check_upload(s: InspectionSnapshot, target: str, ref: str, actor: Actor) -> EvidenceTarget:
    """Refuse a file ``actor`` may not attach to ``target``/``ref`` now (403, 409 or 422)."""
    kind = _target(target)
    check_actor(s, TRIGGER_OF[kind], actor)
    match kind:
        case EvidenceTarget.VISIT:
            if s.state is not InspectionState.ON_SITE:
                raise _state_refused(s, kind)
            if ref not in s.checklist:
                raise InvalidCommand(
                    f"criterion {ref!r} is not on this inspection's checklist",
                    {"ref": ref},
                    vi=f"Tiêu chí {ref} không có trong danh mục kiểm tra của cuộc kiểm tra này.",
                )
        case EvidenceTarget.REMEDIATION:
            if s.state not in REMEDIATION_STATES:
                raise _state_refused(s, kind)
            no = _finding_no(s, ref)
            if open_item(s, no) is None:
                raise InvalidTransition(
                    f"finding {no} has no remediation of this cycle still to report",
                    {"ref": ref},
                    vi=f"Tồn tại số {no} không còn việc khắc phục nào chờ báo cáo.",
                )
        case EvidenceTarget.DISPUTE:
            if s.state is not InspectionState.REMEDIATION_REQUESTED:
                raise _state_refused(s, kind)
            _finding_no(s, ref)
    return kind


def _submitted_since(s: InspectionSnapshot, trigger: Trigger, since: datetime) -> bool:
    if since.tzinfo is None:  # as SQLite gives it back
        since = since.replace(tzinfo=UTC)
    return any(h.trigger == trigger.value and h.at >= since for h in s.history)


def _removal_refusal(
    s: InspectionSnapshot, target: str, ref: str, cycle: int, uploaded_at: datetime
) -> InvalidTransition | None:
    """Why a file can no longer be taken back (its report is in), or None while it can."""
    kind = _target(target)
    refused = _removal_refused(s, kind)
    match kind:
        case EvidenceTarget.VISIT:
            return None if s.state is InspectionState.ON_SITE else refused
        case EvidenceTarget.REMEDIATION:
            if s.state not in REMEDIATION_STATES or cycle != s.cycle:
                return refused
            return None if open_item(s, _number(ref)) is not None else refused
        case EvidenceTarget.DISPUTE:
            submitted = _submitted_since(s, Trigger.DISPUTE, uploaded_at)
            in_time = s.state is InspectionState.REMEDIATION_REQUESTED and cycle == s.cycle
            return None if in_time and not submitted else refused
    return refused


def check_removal(
    s: InspectionSnapshot,
    target: str,
    ref: str,
    cycle: int,
    uploaded_at: datetime,
    actor: Actor,
) -> None:
    """Refuse taking a file back: not the attaching side (403), or its report is in (409)."""
    check_actor(s, TRIGGER_OF[_target(target)], actor)
    refused = _removal_refusal(s, target, ref, cycle, uploaded_at)
    if refused is not None:
        raise refused
