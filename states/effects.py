"""What each trigger changes besides the state: pure functions over a private deep copy of
the snapshot (``procedure.apply`` makes it), declared per trigger in ``states.triggers``."""

from datetime import date, datetime

from states.calendar import WorkingCalendar, local_date
from states.checklist import is_other
from states.models import (
    AcknowledgeInput,
    CancelInput,
    ChangeTeamInput,
    ChecklistResult,
    Command,
    ConcludeInput,
    DecideExtensionInput,
    DisputeInput,
    ExtendVisitInput,
    ExtensionRequest,
    Finding,
    FormTeamInput,
    InspectionSnapshot,
    RecordReinspectionInput,
    RecordVisitInput,
    RemediationItem,
    ReportFindingsInput,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    ResumeInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    StartVisitInput,
    SuspendInput,
    VerifyInput,
    Visit,
    VoidInput,
)
from states.vocabulary import (
    FINDING_RESULTS,
    SETTLED_FINDING_STATUSES,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    RemediationStatus,
    Severity,
    TeamRole,
    VerificationOutcome,
)


def _default_due(
    s: InspectionSnapshot, finding_no: int, now: datetime, cal: WorkingCalendar
) -> date:
    """The policy's time limit for the finding's severity, in working days from today."""
    finding = s.finding(finding_no)
    severity = finding.severity if finding else Severity.MINOR
    return cal.add_working_days(local_date(now), s.policy.remediation.days(severity))


# Effects: what each trigger changes besides the state. They mutate a private deep copy.


def form_team(
    s: InspectionSnapshot, cmd: FormTeamInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.team = list(cmd.members)
    s.standing_team_id = cmd.standing_team_id
    s.standing_team_decision = cmd.standing_team_decision


def change_team(
    s: InspectionSnapshot, cmd: ChangeTeamInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.team = list(cmd.members)


def send_notice(
    s: InspectionSnapshot, cmd: SendNoticeInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.notice_number = cmd.number
    s.notice_sent_at = now
    s.visit_planned_on = cmd.visit_planned_on


def start_visit(
    s: InspectionSnapshot, cmd: StartVisitInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.visit = Visit(started_at=now)


def record_visit(
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
        number=cmd.number,
        place=cmd.place,
        leader_name=cmd.leader_name or _leader_name(s),
        team_present=list(cmd.team_present),
        unit_present=list(cmd.unit_present),
    )
    s.findings = [
        Finding(
            no=no,
            criterion=r.criterion,
            description=_described(r),
            severity=r.severity,
            people=list(r.people),
            cycle=s.cycle,
            category=r.category if is_other(r.criterion) else r.criterion.split("-")[0],
        )
        for no, r in enumerate((r for r in cmd.results if r.result in FINDING_RESULTS), start=1)
    ]


def _described(r: ChecklistResult) -> str:
    """A checklist finding is described by its note; one outside the checklist by its own
    description, the note after it."""
    if not is_other(r.criterion):
        return r.note
    return f"{r.description.strip()} — {r.note}" if r.note.strip() else r.description.strip()


def _leader_name(s: InspectionSnapshot) -> str:
    return next((m.name for m in s.team if m.team_role is TeamRole.TEAM_LEADER), "")


def report_findings(
    s: InspectionSnapshot, cmd: ReportFindingsInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.findings_report_number = cmd.number
    s.findings_reported_at = now


def conclude(
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


def acknowledge(
    s: InspectionSnapshot, cmd: AcknowledgeInput, now: datetime, cal: WorkingCalendar
) -> None:
    _set_findings(
        s, {f.no for f in s.findings if f.status is FindingStatus.OPEN}, FindingStatus.ACKNOWLEDGED
    )


def dispute(s: InspectionSnapshot, cmd: DisputeInput, now: datetime, cal: WorkingCalendar) -> None:
    _set_findings(s, set(cmd.finding_nos), FindingStatus.DISPUTED)
    # Contesting a finding and asking more time to fix it do not go together.
    _lapse_extensions(s, set(cmd.finding_nos), cmd, now)


def resolve_dispute(
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
        acknowledge(s, AcknowledgeInput(actor=cmd.actor), now, cal)


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


def report_remediation(
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


def schedule_reinspection(
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


def verify(s: InspectionSnapshot, cmd: VerifyInput, now: datetime, cal: WorkingCalendar) -> None:
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


def cancel(s: InspectionSnapshot, cmd: CancelInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = cmd.reason
    s.suspended_from = None


def void(s: InspectionSnapshot, cmd: VoidInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = cmd.reason


def suspend(s: InspectionSnapshot, cmd: SuspendInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = cmd.reason
    s.suspended_from = s.state


def resume(s: InspectionSnapshot, cmd: ResumeInput, now: datetime, cal: WorkingCalendar) -> None:
    s.reason = ""
    s.suspended_from = None


def request_extension(
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


def decide_extension(
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


def record_reinspection(
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


def extend_visit(
    s: InspectionSnapshot, cmd: ExtendVisitInput, now: datetime, cal: WorkingCalendar
) -> None:
    s.on_site_extended = True
