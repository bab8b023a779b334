"""The procedure as pure functions: start, check, apply, allowed triggers.

The workflow calls ``check`` in update validators, ``recheck`` and ``apply`` in handlers;
the API calls ``allowed_triggers``; property tests call them all. Same inputs, same outputs,
no I/O.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from transitions import MachineError

from states.bounds import (
    COMMAND_BYTES_MAX,
    SMALL_GROWTH_BYTES,
    SNAPSHOT_BYTES_BUDGET,
    SNAPSHOT_BYTES_HARD_MAX,
    json_bytes,
)
from states.calendar import WorkingCalendar, local_date
from states.errors import GuardFailed, InvalidCommand, InvalidTransition, NotAllowed
from states.machine import TRANSITIONS, positioned, triggers_from
from states.models import (
    NOT_RECORDED,
    AcknowledgeInput,
    Actor,
    CancelInput,
    Command,
    ConcludeInput,
    DecideExtensionInput,
    DisputeInput,
    ExtendVisitInput,
    ExtensionRequest,
    Finding,
    FormTeamInput,
    HistoryEntry,
    InspectionSnapshot,
    RecordReinspectionInput,
    RecordVisitInput,
    RemediationItem,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    ResumeInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    StartInspectionInput,
    StartVisitInput,
    SuspendInput,
    TransitionEvent,
    VerifyInput,
    Visit,
)
from states.rules import check_actor, check_payload
from states.vocabulary import (
    FINDING_RESULTS,
    SETTLED_FINDING_STATUSES,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionState,
    RemediationStatus,
    Severity,
    Trigger,
    VerificationOutcome,
)

DECIDE = "decide"
# The snapshot keeps the latest entry of every trigger and this many recent ones; the whole
# trail is the event table. Bounded, so suspending and resuming for ever cannot grow it.
HISTORY_KEPT = 50


def start(inp: StartInspectionInput, now: datetime) -> tuple[InspectionSnapshot, TransitionEvent]:
    """The snapshot of a newly decided inspection and its first event."""
    decided_at = inp.decided_at or now
    fields = inp.model_dump(
        exclude={"actor", "decided_at", "calendar", "resume_from", "caller_records"}
    )
    snapshot = InspectionSnapshot(
        **fields, coordinator_id=inp.actor.user_id, decided_at=decided_at, updated_at=now
    )
    event = _record(snapshot, DECIDE, None, inp.actor, now, decision_payload(inp))
    return snapshot, event


def decision_payload(inp: StartInspectionInput) -> dict[str, Any]:
    """What the decision's event records of the workflow's input."""
    return inp.model_dump(mode="json", exclude={"caller_records"})


def command_payload(cmd: Command) -> dict[str, Any]:
    """What a command's event records of it."""
    return cmd.model_dump(mode="json", exclude=set(NOT_RECORDED))


def last_event(s: InspectionSnapshot, actor: Actor, payload: dict[str, Any]) -> TransitionEvent:
    """The event of the change ``s`` ends with, as ``start`` or ``apply`` made it: for a caller
    that records a command it sent from the snapshot the workflow answered."""
    h = s.history[-1]
    return TransitionEvent(
        inspection_id=s.inspection_id,
        seq=h.seq,
        trigger=h.trigger,
        from_state=h.from_state,
        to_state=h.to_state,
        actor=actor,
        at=h.at,
        payload=payload,
    )


def allowed_triggers(snapshot: InspectionSnapshot, actor: Actor | None = None) -> list[Trigger]:
    """Triggers that could succeed now (for ``actor`` when given), payload aside."""
    allowed = []
    with positioned(snapshot) as case:
        for trigger in triggers_from(snapshot.state):
            if actor is not None:
                try:
                    check_actor(snapshot, trigger, actor)
                except NotAllowed:
                    continue
            if case.may_trigger(trigger.value):  # type: ignore[attr-defined]
                allowed.append(trigger)
    return allowed


def check(snapshot: InspectionSnapshot, trigger: Trigger, cmd: Command, now: datetime) -> None:
    """Raise a ``DomainError`` unless ``cmd`` may fire ``trigger`` on ``snapshot`` now.

    Who first: a caller who may never fire the trigger on this inspection hears that, not
    where the inspection stands."""
    check_actor(snapshot, trigger, cmd.actor)
    recheck(snapshot, trigger, cmd, now)


def recheck(snapshot: InspectionSnapshot, trigger: Trigger, cmd: Command, now: datetime) -> None:
    """``check`` without the actor: in the handler, against the state the command meets.

    Where the actor stands cannot change between acceptance and handling (the team forms
    before any team command is possible), and replaying an old history must not judge its
    actors by today's rules."""
    if trigger not in triggers_from(snapshot.state):
        allowed = [t.value for t in allowed_triggers(snapshot)]
        raise InvalidTransition(
            f"cannot {trigger} while the inspection is {snapshot.state}; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            {"state": snapshot.state.value, "trigger": trigger.value, "allowed": allowed},
        )
    check_payload(snapshot, trigger, cmd, local_date(now))
    with positioned(snapshot) as case:
        possible = case.may_trigger(trigger.value, command=cmd)  # type: ignore[attr-defined]
    if not possible:
        raise GuardFailed(
            f"cannot {trigger} while the inspection is {snapshot.state}: "
            + "; or ".join(_guard_texts(snapshot.state, trigger)),
            {"state": snapshot.state.value, "trigger": trigger.value},
        )
    check_size(snapshot, trigger, cmd, now)


# Growth of a record beyond twice the command's own text (per finding: a finding, a
# remediation item), well above what a hundred findings add.
_OVERHEAD_BYTES = 64 * 1024


def check_size(snapshot: InspectionSnapshot, trigger: Trigger, cmd: Command, now: datetime) -> None:
    """Refuse a command heavier than ``COMMAND_BYTES_MAX``, or one that would take the
    inspection's record past its budget (``states.bounds``) by more than a small step."""
    command_bytes = json_bytes(cmd)
    if command_bytes > COMMAND_BYTES_MAX:
        raise InvalidCommand(
            f"the command is too large: {command_bytes} bytes, at most {COMMAND_BYTES_MAX}",
            {"bytes": command_bytes, "limit": COMMAND_BYTES_MAX},
        )
    before = json_bytes(snapshot)
    if before + 2 * command_bytes + _OVERHEAD_BYTES <= SNAPSHOT_BYTES_BUDGET:
        return  # far from the budget: no need to try it
    after = json_bytes(apply(snapshot, trigger, cmd, now)[0])
    if after > SNAPSHOT_BYTES_HARD_MAX or (
        after > SNAPSHOT_BYTES_BUDGET and after - before > SMALL_GROWTH_BYTES
    ):
        raise InvalidCommand(
            f"the inspection's record would grow to {after} bytes, past its limit of "
            f"{SNAPSHOT_BYTES_BUDGET}: shorten the texts or lists of this command",
            {"bytes": after, "limit": SNAPSHOT_BYTES_BUDGET},
        )


def apply(
    snapshot: InspectionSnapshot,
    trigger: Trigger,
    cmd: Command,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> tuple[InspectionSnapshot, TransitionEvent]:
    """The snapshot after ``trigger`` and the event that records it; call ``check`` first.

    ``calendar`` counts default due dates in working days (weekdays only when omitted).
    """
    with positioned(snapshot) as case:
        try:
            moved = case.trigger(trigger.value, command=cmd)  # type: ignore[attr-defined]
        except MachineError as exc:  # check() was skipped or the snapshot moved on
            raise InvalidTransition(str(exc), {"state": snapshot.state.value}) from exc
        if not moved:  # no guard let it through: never apply effects of a refused trigger
            raise GuardFailed(f"cannot {trigger} while the inspection is {snapshot.state}")
        dest = InspectionState(case.state)
    after = snapshot.model_copy(deep=True)
    EFFECTS[trigger](after, cmd, now, calendar or WorkingCalendar())
    after.state = dest
    after.updated_at = now
    payload = command_payload(cmd)
    event = _record(after, trigger.value, snapshot.state, cmd.actor, now, payload)
    return after, event


def _record(
    snapshot: InspectionSnapshot,
    trigger: str,
    source: InspectionState | None,
    actor: Actor,
    now: datetime,
    payload: dict[str, Any],
) -> TransitionEvent:
    """Append a history entry to ``snapshot`` (in place) and return the matching event."""
    snapshot.seq += 1
    snapshot.history.append(
        HistoryEntry(
            seq=snapshot.seq,
            trigger=trigger,
            from_state=source,
            to_state=snapshot.state,
            actor_id=actor.user_id,
            actor_role=actor.role,
            at=now,
        )
    )
    if len(snapshot.history) > HISTORY_KEPT:
        snapshot.history = _pruned(snapshot.history)
    return TransitionEvent(
        inspection_id=snapshot.inspection_id,
        seq=snapshot.seq,
        trigger=trigger,
        from_state=source,
        to_state=snapshot.state,
        actor=actor,
        at=now,
        payload=payload,
    )


def _pruned(history: list[HistoryEntry]) -> list[HistoryEntry]:
    """The last ``HISTORY_KEPT`` entries and the latest entry of every trigger (deadlines
    count from the last notice, report … whatever came after)."""
    latest = {h.trigger: h.seq for h in history}
    recent = history[-HISTORY_KEPT:][0].seq
    return [h for h in history if h.seq >= recent or latest[h.trigger] == h.seq]


def _guard_texts(state: InspectionState, trigger: Trigger) -> list[str]:
    texts = []
    for t in TRANSITIONS:
        if t["trigger"] == trigger.value and t["source"] == state.value:
            docs = [(g.__doc__ or g.__name__).strip().rstrip(".") for g in t["conditions"]]
            texts.append(f"to reach {t['dest']}: " + " and ".join(docs))
    return texts


def _default_due(
    s: InspectionSnapshot, finding_no: int, now: datetime, cal: WorkingCalendar
) -> date:
    """The policy's time limit for the finding's severity, in working days from today."""
    finding = s.finding(finding_no)
    severity = finding.severity if finding else Severity.MINOR
    return cal.add_working_days(local_date(now), s.policy.remediation.days(severity))


# Effects: what each trigger changes besides the state. They mutate a private deep copy.


def _form_team(
    s: InspectionSnapshot, cmd: FormTeamInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.team = list(cmd.members)


def _send_notice(
    s: InspectionSnapshot, cmd: SendNoticeInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.notice_number = cmd.number
    s.notice_sent_at = now
    s.visit_planned_on = cmd.visit_planned_on


def _start_visit(
    s: InspectionSnapshot, cmd: StartVisitInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.visit = Visit(started_at=now)


def _record_visit(
    s: InspectionSnapshot, cmd: RecordVisitInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.visit = Visit(
        started_at=s.visit.started_at,
        ended_at=now,
        results=list(cmd.results),
        signed_by_leader=cmd.signed_by_leader,
        signed_by_unit=cmd.signed_by_unit,
        witness=cmd.witness,
        unit_explanation=cmd.unit_explanation,
    )
    s.findings = [
        Finding(
            no=no,
            criterion=r.criterion,
            description=r.note,
            severity=r.severity,
            people=list(r.people),
            cycle=s.cycle,
        )
        for no, r in enumerate((r for r in cmd.results if r.result in FINDING_RESULTS), start=1)
    ]


def _conclude(
    s: InspectionSnapshot, cmd: ConcludeInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.conclusion_number = cmd.number
    s.concluded_at = now
    s.concluded_by = cmd.actor.name or cmd.actor.user_id
    s.requested_at = now
    orders = {o.finding_no: o for o in cmd.orders}
    for finding in s.findings:
        order = orders.get(finding.no)
        finding.discipline_recommended = list(order.discipline_recommended) if order else []
        s.remediation.append(
            RemediationItem(
                finding_no=finding.no,
                cycle=s.cycle,
                action=order.action if order else "",
                due_on=(
                    order.due_on
                    if order and order.due_on
                    else _default_due(s, finding.no, now, cal)
                ),
                due_set_at=now,
            )
        )


def _set_findings(s: InspectionSnapshot, nos: set[int], status: FindingStatus) -> None:
    for finding in s.findings:
        if finding.no in nos:
            finding.status = status


def _acknowledge(
    s: InspectionSnapshot, cmd: AcknowledgeInput, now: datetime, cal: WorkingCalendar
) -> None:
    _set_findings(
        s, {f.no for f in s.findings if f.status is FindingStatus.OPEN}, FindingStatus.ACKNOWLEDGED
    )


def _dispute(s: InspectionSnapshot, cmd: DisputeInput, now: datetime, cal: WorkingCalendar) -> None:
    _set_findings(s, set(cmd.finding_nos), FindingStatus.DISPUTED)
    # Contesting a finding and asking more time to fix it do not go together.
    _lapse_extensions(s, set(cmd.finding_nos), cmd, now)


def _resolve_dispute(
    s: InspectionSnapshot, cmd: ResolveDisputeInput, now: datetime, cal: WorkingCalendar
) -> None:
    withdrawn = {d.finding_no for d in cmd.decisions if d.outcome is DisputeOutcome.WITHDRAWN}
    upheld = {d.finding_no for d in cmd.decisions if d.outcome is DisputeOutcome.UPHELD}
    _set_findings(s, withdrawn, FindingStatus.WITHDRAWN)
    _lapse_extensions(s, withdrawn, cmd, now)
    _set_findings(s, upheld, FindingStatus.OPEN)
    for item in s.current_items():
        if item.finding_no in withdrawn:
            item.status = RemediationStatus.CANCELLED
    if cmd.unit_accepted:
        _acknowledge(s, AcknowledgeInput(actor=cmd.actor), now, cal)


def _lapse_extensions(
    s: InspectionSnapshot, finding_nos: set[int], cmd: Command, now: datetime
) -> None:
    """Pending requests for items that no longer run out: nothing is left to decide."""
    for request in s.extensions:
        if request.status is ExtensionStatus.PENDING and request.finding_no in finding_nos:
            request.status = ExtensionStatus.LAPSED
            request.decided_by = cmd.actor.user_id
            request.decided_at = now
            request.note = "lapsed: the item was reported or withdrawn first"


def _report_remediation(
    s: InspectionSnapshot, cmd: ReportRemediationInput, now: datetime, cal: WorkingCalendar
) -> None:
    reports = {i.finding_no: i for i in cmd.items}
    _set_findings(s, set(reports), FindingStatus.REPORTED)
    _lapse_extensions(s, set(reports), cmd, now)
    for item in s.current_items():
        report = reports.get(item.finding_no)
        if report is not None:
            item.status = RemediationStatus.REPORTED
            item.report = report.report
            item.evidence = list(report.evidence)
            item.reported_by = cmd.actor.user_id
            item.reported_at = now


def _schedule_reinspection(
    s: InspectionSnapshot, cmd: ScheduleReinspectionInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.reinspection_planned_on = cmd.planned_on


# A re-inspection does not overrule what is settled, nor a dispute still to be decided.
UNSETTLEABLE = SETTLED_FINDING_STATUSES | {FindingStatus.DISPUTED}

_VERIFIED = {
    VerificationOutcome.RESOLVED: (FindingStatus.RESOLVED, RemediationStatus.DONE),
    VerificationOutcome.REFERRED: (FindingStatus.REFERRED, RemediationStatus.NOT_DONE),
    VerificationOutcome.UNRESOLVED: (FindingStatus.UNRESOLVED, RemediationStatus.NOT_DONE),
}


def _verify(s: InspectionSnapshot, cmd: VerifyInput, now: datetime, cal: WorkingCalendar) -> None:
    outcomes = {r.finding_no: r.outcome for r in cmd.results}
    for item in s.current_items():
        if item.finding_no in outcomes:
            item.status = _VERIFIED[outcomes[item.finding_no]][1]
    for finding in s.findings:
        if finding.no in outcomes:
            finding.status = _VERIFIED[outcomes[finding.no]][0]
    unresolved = [f for f in s.findings if f.status is FindingStatus.UNRESOLVED]
    if not unresolved:
        return
    # Another remediation cycle: the unresolved findings are requested again.
    s.cycle += 1
    s.requested_at = now
    for finding in unresolved:
        finding.status = FindingStatus.OPEN
        finding.cycle = s.cycle
        due = cmd.next_due_on or _default_due(s, finding.no, now, cal)
        s.remediation.append(
            RemediationItem(finding_no=finding.no, cycle=s.cycle, due_on=due, due_set_at=now)
        )


def _cancel(s: InspectionSnapshot, cmd: CancelInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = cmd.reason
    s.suspended_from = None


def _suspend(s: InspectionSnapshot, cmd: SuspendInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = cmd.reason
    s.suspended_from = s.state


def _resume(s: InspectionSnapshot, cmd: ResumeInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = ""
    s.suspended_from = None


def _request_extension(
    s: InspectionSnapshot, cmd: RequestExtensionInput, now: datetime, cal: WorkingCalendar
) -> None:
    item = next(r for r in s.current_items() if r.finding_no == cmd.finding_no)
    s.extensions.append(
        ExtensionRequest(
            n=len(s.extensions) + 1,
            finding_no=cmd.finding_no,
            cycle=s.cycle,
            due_on=cmd.due_on,
            previous_due_on=item.due_on,
            reason=cmd.reason,
            requested_by=cmd.actor.user_id,
            requested_at=now,
        )
    )


def _decide_extension(
    s: InspectionSnapshot, cmd: DecideExtensionInput, now: datetime, cal: WorkingCalendar
) -> None:
    request = s.extensions[cmd.n - 1]
    request.status = ExtensionStatus.GRANTED if cmd.grant else ExtensionStatus.REFUSED
    request.decided_by = cmd.actor.user_id
    request.decided_at = now
    request.note = cmd.note
    if cmd.grant:
        # A new due date: the agenda keys change, so reminders for the old date never fire.
        for item in s.current_items():
            if item.finding_no == request.finding_no:
                item.due_on = request.due_on
                item.due_set_at = now


def _record_reinspection(
    s: InspectionSnapshot, cmd: RecordReinspectionInput, now: datetime, cal: WorkingCalendar
) -> None:
    """The re-inspection's results settle the findings it re-checked; an unresolved one
    stays with the unit as it was, and a disputed one waits for the dispute's decision."""
    settled = {r.finding_no: r.outcome for r in cmd.results}
    settled = {no: o for no, o in settled.items() if o is not VerificationOutcome.UNRESOLVED}
    for finding in s.findings:
        if finding.no in settled and finding.status not in UNSETTLEABLE:
            finding.status = _VERIFIED[settled[finding.no]][0]
            _lapse_extensions(s, {finding.no}, cmd, now)
    for item in s.current_items():
        if item.finding_no in settled and item.status is not RemediationStatus.CANCELLED:
            item.status = _VERIFIED[settled[item.finding_no]][1]
    if all(f.status in SETTLED_FINDING_STATUSES for f in s.findings):
        s.suspended_from = None  # closing: a suspension has nothing left to pause


def _extend_visit(
    s: InspectionSnapshot, cmd: ExtendVisitInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.on_site_extended = True


EFFECTS: dict[Trigger, Callable[[InspectionSnapshot, Any, datetime, WorkingCalendar], None]] = {
    Trigger.FORM_TEAM: _form_team,
    Trigger.SEND_NOTICE: _send_notice,
    Trigger.START_VISIT: _start_visit,
    Trigger.RECORD_VISIT: _record_visit,
    Trigger.CONCLUDE: _conclude,
    Trigger.ACKNOWLEDGE: _acknowledge,
    Trigger.DISPUTE: _dispute,
    Trigger.RESOLVE_DISPUTE: _resolve_dispute,
    Trigger.REPORT_REMEDIATION: _report_remediation,
    Trigger.SCHEDULE_REINSPECTION: _schedule_reinspection,
    Trigger.VERIFY: _verify,
    Trigger.CANCEL: _cancel,
    Trigger.SUSPEND: _suspend,
    Trigger.RESUME: _resume,
    Trigger.REQUEST_EXTENSION: _request_extension,
    Trigger.DECIDE_EXTENSION: _decide_extension,
    Trigger.EXTEND_VISIT: _extend_visit,
    Trigger.RECORD_REINSPECTION: _record_reinspection,
}
