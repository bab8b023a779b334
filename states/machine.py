"""The inspection procedure declared once: states, transitions, guards, roles.

The workflow's validators, the API's allowed actions, the web buttons and the diagram all
read ``TRANSITIONS`` and ``TRIGGER_PARTIES``. Guards are pure functions of the snapshot and,
when one is given, the command; without a command (asking "could this button work at
all?") a payload-dependent guard answers yes.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from transitions import EventData, Machine

from states.models import (
    Command,
    InspectionSnapshot,
    RecordReinspectionInput,
    ResolveDisputeInput,
    VerifyInput,
)
from states.triggers import TRIGGER_PARTIES
from states.vocabulary import (
    CANCELLABLE_STATES,
    NOTICED_KINDS,
    OPEN_STATES,
    SETTLED_FINDING_STATUSES,
    VOIDABLE_STATES,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionState,
    Party,
    Role,
    Trigger,
    VerificationOutcome,
)

S = InspectionState
T = Trigger

# States in which a verification re-inspection's results can arrive: after the conclusion.
AFTER_CONCLUSION = (
    S.REMEDIATION_REQUESTED,
    S.DISPUTED,
    S.REMEDIATING,
    S.REMEDIATION_REPORTED,
    S.REINSPECTING,
)


class Case:
    """The machine's model: one inspection's snapshot and the command being weighed."""

    state: str

    def __init__(self, snapshot: InspectionSnapshot) -> None:
        self.snapshot = snapshot
        self.busy = False


Guard = Callable[[EventData], bool]


def _snapshot(event: EventData) -> InspectionSnapshot:
    model = event.model
    assert isinstance(model, Case)
    return model.snapshot


def _command(event: EventData) -> Command | None:
    command: Command | None = event.kwargs.get("command")
    return command


def announced(event: EventData) -> bool:
    """The kind is announced ahead by a notice (planned, thematic, joint, reinspection)."""
    return _snapshot(event).kind in NOTICED_KINDS


def unannounced(event: EventData) -> bool:
    """The kind goes on site without notice (surprise, complaint, self)."""
    return not announced(event)


def minutes_signed(event: EventData) -> bool:
    """The visit minutes are signed by the leader and the unit (or a witness)."""
    return _snapshot(event).visit.minutes_signed


def report_not_required(event: EventData) -> bool:
    """The inspection began before the findings report was a step of its own."""
    return not _snapshot(event).findings_report_step


def has_findings(event: EventData) -> bool:
    """The visit found at least one shortcoming."""
    return bool(_snapshot(event).findings)


def no_findings(event: EventData) -> bool:
    """The visit found nothing to remediate."""
    return not has_findings(event)


def _remaining_after_dispute(snapshot: InspectionSnapshot, cmd: ResolveDisputeInput) -> int:
    withdrawn = {d.finding_no for d in cmd.decisions if d.outcome is DisputeOutcome.WITHDRAWN}
    return sum(
        1
        for f in snapshot.findings
        if f.status not in SETTLED_FINDING_STATUSES and f.no not in withdrawn
    )


def dispute_withdraws_all(event: EventData) -> bool:
    """Every remaining finding is withdrawn: nothing is left to remediate."""
    cmd = _command(event)
    if not isinstance(cmd, ResolveDisputeInput):
        return True
    return _remaining_after_dispute(_snapshot(event), cmd) == 0


def unit_accepts_upheld(event: EventData) -> bool:
    """Findings remain and the unit accepted them when the dispute was resolved."""
    cmd = _command(event)
    if not isinstance(cmd, ResolveDisputeInput):
        return True
    return cmd.unit_accepted and _remaining_after_dispute(_snapshot(event), cmd) > 0


def unit_must_acknowledge(event: EventData) -> bool:
    """Findings remain and the unit has yet to acknowledge them."""
    cmd = _command(event)
    if not isinstance(cmd, ResolveDisputeInput):
        return True
    return not cmd.unit_accepted and _remaining_after_dispute(_snapshot(event), cmd) > 0


def all_settled(event: EventData) -> bool:
    """Every reported finding is resolved or referred to discipline."""
    cmd = _command(event)
    if not isinstance(cmd, VerifyInput):
        return True
    return all(r.outcome is not VerificationOutcome.UNRESOLVED for r in cmd.results)


def next_cycle_allowed(event: EventData) -> bool:
    """Some findings are unresolved and another remediation cycle is allowed."""
    snapshot = _snapshot(event)
    if snapshot.cycle >= snapshot.policy.max_cycles:
        return False
    cmd = _command(event)
    if not isinstance(cmd, VerifyInput):
        return True
    return any(r.outcome is VerificationOutcome.UNRESOLVED for r in cmd.results)


def _settled_after(snapshot: InspectionSnapshot, cmd: RecordReinspectionInput) -> bool:
    """Every finding is settled, or settled by ``cmd`` (a disputed one waits for its
    dispute's decision)."""
    outcomes = {r.finding_no: r.outcome for r in cmd.results}
    return all(
        f.status in SETTLED_FINDING_STATUSES
        or (
            f.status is not FindingStatus.DISPUTED
            and outcomes.get(f.no, VerificationOutcome.UNRESOLVED)
            is not VerificationOutcome.UNRESOLVED
        )
        for f in snapshot.findings
    )


def reinspection_settles_all(event: EventData) -> bool:
    """After the re-inspection's results every finding is resolved, withdrawn or referred."""
    cmd = _command(event)
    if not isinstance(cmd, RecordReinspectionInput):
        return True
    return _settled_after(_snapshot(event), cmd)


def suspended_after_conclusion(event: EventData) -> bool:
    """The inspection was suspended after its conclusion (it has findings to settle)."""
    return _snapshot(event).suspended_from in AFTER_CONCLUSION


# What each guard asks, in Vietnamese, for refusals people read (by the guard's name).
GUARD_VI: dict[str, str] = {
    "announced": "loại hình kiểm tra phải thông báo trước",
    "unannounced": "loại hình kiểm tra không thông báo trước",
    "minutes_signed": "biên bản đã có chữ ký của trưởng đoàn và đơn vị (hoặc người chứng kiến)",
    "has_findings": "có thiếu sót, vi phạm",
    "report_not_required": "trưởng đoàn đã báo cáo kết quả kiểm tra",
    "no_findings": "không có thiếu sót, vi phạm",
    "dispute_withdraws_all": "mọi nội dung còn lại đều được rút",
    "unit_accepts_upheld": "còn nội dung giữ nguyên và đơn vị đã chấp nhận",
    "unit_must_acknowledge": "còn nội dung giữ nguyên và đơn vị chưa tiếp thu",
    "all_settled": "mọi nội dung đã khắc phục hoặc chuyển xử lý kỷ luật",
    "next_cycle_allowed": "còn nội dung chưa khắc phục và còn được yêu cầu khắc phục tiếp",
    "reinspection_settles_all": "kết quả tái kiểm tra giải quyết hết mọi nội dung",
    "suspended_after_conclusion": "cuộc kiểm tra bị tạm dừng sau khi có kết luận",
    "suspended_before_conclusion": "cuộc kiểm tra bị tạm dừng trước khi có kết luận",
    "extension_pending": "có đề nghị gia hạn đang chờ quyết định",
    "visit_not_extended": "chưa gia hạn thời gian kiểm tra lần nào",
}


def _was(state: InspectionState) -> Guard:
    def guard(event: EventData) -> bool:
        return _snapshot(event).suspended_from is state

    guard.__name__ = f"was_{state.value}"
    guard.__doc__ = f"The inspection was suspended in {state.value}."
    return guard


def suspended_before_conclusion(event: EventData) -> bool:
    """The inspection was suspended before its conclusion (termination is still possible)."""
    return _snapshot(event).suspended_from in CANCELLABLE_STATES


def extension_pending(event: EventData) -> bool:
    """An extension request waits for the coordinator's decision."""
    return any(e.status is ExtensionStatus.PENDING for e in _snapshot(event).extensions)


def visit_not_extended(event: EventData) -> bool:
    """The on-site check has not used its one extension yet (Decree 217 Art. 13)."""
    return not _snapshot(event).on_site_extended


def _internal(trigger: Trigger, source: InspectionState, *conditions: Guard) -> dict[str, Any]:
    """A command that changes the inspection but not its state."""
    return {
        "trigger": trigger.value,
        "source": source.value,
        "dest": None,
        "conditions": list(conditions),
    }


def _t(
    trigger: Trigger,
    source: InspectionState,
    dest: InspectionState,
    *conditions: Guard,
) -> dict[str, Any]:
    return {
        "trigger": trigger.value,
        "source": source.value,
        "dest": dest.value,
        "conditions": list(conditions),
    }


# Order matters where one trigger has several destinations: the first passing guard wins.
TRANSITIONS: list[dict[str, Any]] = [
    _t(T.FORM_TEAM, S.DECIDED, S.TEAM_FORMED),
    # The team may change before the visit, by a decision of its own.
    *(_internal(T.CHANGE_TEAM, s) for s in (S.TEAM_FORMED, S.NOTIFIED)),
    _t(T.SEND_NOTICE, S.TEAM_FORMED, S.NOTIFIED, announced),
    _t(T.START_VISIT, S.NOTIFIED, S.ON_SITE),
    _t(T.START_VISIT, S.TEAM_FORMED, S.ON_SITE, unannounced),
    _t(T.RECORD_VISIT, S.ON_SITE, S.VISITED),
    _t(T.REPORT_FINDINGS, S.VISITED, S.FINDINGS_REPORTED, minutes_signed),
    _t(T.CONCLUDE, S.FINDINGS_REPORTED, S.CLOSED, no_findings),
    _t(T.CONCLUDE, S.FINDINGS_REPORTED, S.REMEDIATION_REQUESTED, has_findings),
    # Inspections started before the findings report was a step conclude from the visit.
    _t(T.CONCLUDE, S.VISITED, S.CLOSED, report_not_required, minutes_signed, no_findings),
    _t(
        T.CONCLUDE,
        S.VISITED,
        S.REMEDIATION_REQUESTED,
        report_not_required,
        minutes_signed,
        has_findings,
    ),
    _t(T.ACKNOWLEDGE, S.REMEDIATION_REQUESTED, S.REMEDIATING),
    _t(T.DISPUTE, S.REMEDIATION_REQUESTED, S.DISPUTED),
    _t(T.RESOLVE_DISPUTE, S.DISPUTED, S.CLOSED, dispute_withdraws_all),
    _t(T.RESOLVE_DISPUTE, S.DISPUTED, S.REMEDIATING, unit_accepts_upheld),
    _t(T.RESOLVE_DISPUTE, S.DISPUTED, S.REMEDIATION_REQUESTED, unit_must_acknowledge),
    _t(T.REPORT_REMEDIATION, S.REMEDIATING, S.REMEDIATION_REPORTED),
    _t(T.SCHEDULE_REINSPECTION, S.REMEDIATION_REPORTED, S.REINSPECTING),
    _t(T.VERIFY, S.REINSPECTING, S.CLOSED, all_settled),
    _t(T.VERIFY, S.REINSPECTING, S.REMEDIATION_REQUESTED, next_cycle_allowed),
    _internal(T.EXTEND_VISIT, S.ON_SITE, visit_not_extended),
    *(_internal(T.REQUEST_EXTENSION, s) for s in (S.REMEDIATION_REQUESTED, S.REMEDIATING)),
    *(
        _internal(T.DECIDE_EXTENSION, s, extension_pending)
        for s in (S.REMEDIATION_REQUESTED, S.DISPUTED, S.REMEDIATING)
    ),
    *(_t(T.CANCEL, s, S.CANCELLED) for s in sorted(CANCELLABLE_STATES)),
    _t(T.CANCEL, S.SUSPENDED, S.CANCELLED, suspended_before_conclusion),
    *(_t(T.VOID, s, S.VOIDED) for s in sorted(VOIDABLE_STATES)),
    *(_t(T.SUSPEND, s, S.SUSPENDED) for s in sorted(OPEN_STATES)),
    *(_t(T.RESUME, S.SUSPENDED, s, _was(s)) for s in sorted(OPEN_STATES)),
    *(_t(T.RECORD_REINSPECTION, s, S.CLOSED, reinspection_settles_all) for s in AFTER_CONCLUSION),
    *(_internal(T.RECORD_REINSPECTION, s) for s in AFTER_CONCLUSION),
    # Settled while suspended: nothing is left to resume, the inspection closes.
    _t(
        T.RECORD_REINSPECTION,
        S.SUSPENDED,
        S.CLOSED,
        suspended_after_conclusion,
        reinspection_settles_all,
    ),
    _internal(T.RECORD_REINSPECTION, S.SUSPENDED, suspended_after_conclusion),
]

# Who may fire each trigger is declared with the trigger (states.triggers): the issuing
# side leads, the issuing organisation's decision-maker signs, the team checks, the unit
# and its managing chain answer. Nobody on the inspected side does anything but answer.

PARTY_ROLES: dict[Party, frozenset[Role]] = {
    Party.LEADERSHIP: frozenset({Role.COORDINATOR, Role.DECISION_MAKER}),
    Party.SIGNER: frozenset({Role.DECISION_MAKER}),
    Party.TEAM: frozenset({Role.INSPECTOR}),
    Party.UNIT: frozenset({Role.UNIT_REP}),
    Party.SYSTEM: frozenset({Role.SYSTEM}),
}

# The roles that may fire each trigger at all (where they stand decides the rest).
TRIGGER_ROLES: dict[Trigger, frozenset[Role]] = {
    t: PARTY_ROLES[party] for t, party in TRIGGER_PARTIES.items()
}

# Who may decide (start) an inspection: the coordinator drafts it from the decision.
DECIDE_ROLES = frozenset({Role.COORDINATOR})

MACHINE_OPTIONS: dict[str, Any] = {
    "states": [s.value for s in InspectionState],
    "transitions": TRANSITIONS,
    "auto_transitions": False,
    "send_event": True,
    "ignore_invalid_triggers": False,
}


# Building the machine from the table costs more than all the rest of a command, so each
# thread keeps one machine with one model and repositions it (workflow tasks and API
# requests run on several threads; a machine and its model are not thread-safe).
_SLOTS = threading.local()


@contextmanager
def positioned(snapshot: InspectionSnapshot) -> Iterator[Case]:
    """The machine's model, positioned at the snapshot's state, for the block's duration."""
    slot: tuple[Machine, Case] | None = getattr(_SLOTS, "slot", None)
    if slot is None or slot[1].busy:  # first use in this thread, or nested: a fresh one
        case = Case(snapshot)
        machine = Machine(model=case, initial=snapshot.state.value, **MACHINE_OPTIONS)
        if slot is None:
            _SLOTS.slot = slot = (machine, case)
    else:
        machine, case = slot
        case.snapshot = snapshot
        machine.set_state(snapshot.state.value, model=case)
    case.busy = True
    try:
        yield case
    finally:
        case.busy = False


def triggers_from(state: InspectionState) -> list[Trigger]:
    """Triggers that have at least one transition out of ``state`` (guards aside)."""
    names = {t["trigger"] for t in TRANSITIONS if t["source"] == state.value}
    return [t for t in Trigger if t.value in names]


def finding_is_active(status: FindingStatus) -> bool:
    """A finding the unit still has to deal with."""
    return status not in SETTLED_FINDING_STATUSES
