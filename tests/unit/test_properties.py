"""Random command sequences, applied as the workflow applies them, never break invariants.

Each step draws a trigger (mostly one the machine allows now), an actor (mostly one who
may fire it) and a payload built from the current snapshot (sometimes a wrong one), then
does what the workflow does: ``check`` in the validator, ``apply`` in the handler.
"""

from datetime import date, datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from states import procedure
from states.calendar import local_date
from states.errors import DomainError, InvalidTransition, NotAllowed
from states.models import (
    AcknowledgeInput,
    Actor,
    CancelInput,
    ChangeTeamInput,
    ChecklistResult,
    Command,
    ConcludeInput,
    DecideExtensionInput,
    DisputeDecision,
    DisputeInput,
    ExtendVisitInput,
    FormTeamInput,
    InspectionSnapshot,
    RecordReinspectionInput,
    RecordVisitInput,
    RemediationOrder,
    RemediationReportItem,
    ReportFindingsInput,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    ResumeInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    StartVisitInput,
    SuspendInput,
    TeamMember,
    TransitionEvent,
    Verification,
    VerifyInput,
    VoidInput,
)
from states.reinspection import SYSTEM_ACTOR
from states.vocabulary import (
    SETTLED_FINDING_STATUSES,
    CheckResult,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionKind,
    InspectionState,
    RemediationStatus,
    Role,
    Severity,
    TeamRole,
    Trigger,
    VerificationOutcome,
)
from tests.unit.builders import (
    ACTORS,
    ANCESTOR_REP,
    CHECKLIST,
    CONFLICTED,
    COORDINATOR,
    DECISION_MAKER,
    LEADER,
    MEMBER,
    OUTSIDER,
    STEP,
    T0,
    UNIT_REP,
    WEEKDAYS,
    member,
    start_input,
)

S = InspectionState
T = Trigger
TERMINAL = {S.CLOSED, S.CANCELLED, S.VOIDED}
# Commands that change the inspection but not its state.
INTERNAL = {T.REQUEST_EXTENSION, T.DECIDE_EXTENSION, T.EXTEND_VISIT, T.CHANGE_TEAM}
# States in which the unit still owes something: at least one finding must be unsettled.
OWING = {S.REMEDIATION_REQUESTED, S.DISPUTED, S.REMEDIATING, S.REMEDIATION_REPORTED, S.REINSPECTING}
SECRETARY = Actor(user_id="sec", name="Thư ký", role=Role.INSPECTOR)
CANDIDATES = [member(MEMBER), member(SECRETARY, TeamRole.SECRETARY), member(OUTSIDER)]
LEADERSHIP = [COORDINATOR, DECISION_MAKER]
UNIT_SIDE = [UNIT_REP, ANCESTOR_REP]


def nos(snapshot: InspectionSnapshot, *statuses: FindingStatus) -> list[int]:
    return [f.no for f in snapshot.findings if not statuses or f.status in statuses]


def team_inspectors(snapshot: InspectionSnapshot) -> list[Actor]:
    return [Actor(user_id=m.user_id, name=m.name, role=Role.INSPECTOR) for m in snapshot.team] or [
        LEADER
    ]


def sometimes(draw: st.DrawFn) -> bool:
    """True about one time in eight: time to send something wrong.

    Hypothesis shrinks draws towards their smallest value, so the smallest means "as
    expected": a shrunk failing sequence keeps only the deviations it needs.
    """
    return draw(st.integers(0, 7)) == 7


def day(draw: st.DrawFn, today: date, wrong: bool) -> date | None:
    if wrong:
        return today - timedelta(days=draw(st.integers(1, 30)))
    # Past the notice's lead time, on a working day: a date a careful office would set.
    offset = draw(st.none() | st.integers(8, 60))
    return None if offset is None else WEEKDAYS.add_working_days(today + timedelta(offset), 0)


def spoil(draw: st.DrawFn, numbers: list[int], everything: list[int]) -> list[int]:
    """``numbers`` made wrong: one left out, an unknown or another finding added, or a twin."""
    choices = ["unknown", "twin"]
    if numbers:
        choices.append("drop")
    if set(everything) - set(numbers):
        choices.append("other")
    match draw(st.sampled_from(choices)):
        case "unknown":
            return [*numbers, draw(st.sampled_from([99, 100]))]  # no such finding
        case "twin":
            return [*numbers, *(numbers[:1] or [1])]
        case "drop":
            return numbers[1:]
        case _:
            return [*numbers, draw(st.sampled_from(sorted(set(everything) - set(numbers))))]


@st.composite
def team(draw: st.DrawFn) -> list[TeamMember]:
    leader = member(LEADER, TeamRole.TEAM_LEADER)
    others = draw(st.lists(st.sampled_from(CANDIDATES), unique_by=lambda m: m.user_id))
    if not sometimes(draw):
        return [leader, *others]
    match draw(st.sampled_from(["no_leader", "two_leaders", "twice", "conflict", "empty"])):
        case "no_leader":
            return others
        case "two_leaders":
            return [leader, member(MEMBER, TeamRole.TEAM_LEADER)]
        case "twice":
            return [leader, leader]
        case "conflict":
            return [leader, *others, CONFLICTED]
    return []


@st.composite
def checklist_results(draw: st.DrawFn) -> list[ChecklistResult]:
    criteria = draw(st.lists(st.sampled_from(CHECKLIST), min_size=1, unique=True))
    if sometimes(draw):
        criteria = draw(st.sampled_from([[], [*criteria, "ZZ-99"], [*criteria, criteria[0]]]))
    return [
        ChecklistResult(
            criterion=code,
            result=draw(st.sampled_from(CheckResult)),
            severity=draw(st.sampled_from(Severity)),
        )
        for code in criteria
    ]


@st.composite
def payload(
    draw: st.DrawFn, snapshot: InspectionSnapshot, trigger: Trigger, actor: Actor, now: datetime
) -> Command:
    """A command for ``trigger`` fitted to ``snapshot``; about one in eight is wrong."""
    today = local_date(now)
    wrong = sometimes(draw)
    findings = nos(snapshot)
    match trigger:
        case T.FORM_TEAM:
            return FormTeamInput(actor=actor, members=draw(team()))
        case T.CHANGE_TEAM:
            return ChangeTeamInput(actor=actor, members=draw(team()), reason="thay người")
        case T.SEND_NOTICE:
            return SendNoticeInput(
                actor=actor, number="12/TB", visit_planned_on=day(draw, today, wrong)
            )
        case T.RECORD_VISIT:
            return RecordVisitInput(
                actor=actor,
                results=draw(checklist_results()),
                signed_by_leader=not (wrong and draw(st.booleans())),
                signed_by_unit=not draw(st.booleans()),
                witness=draw(st.sampled_from(["", "Trưởng thôn"])),
            )
        case T.REPORT_FINDINGS:
            return ReportFindingsInput(actor=actor)
        case T.CONCLUDE:
            ordered = draw(st.lists(st.sampled_from(findings), unique=True)) if findings else []
            return ConcludeInput(
                actor=actor,
                orders=[
                    RemediationOrder(finding_no=n, due_on=day(draw, today, wrong and i == 0))
                    for i, n in enumerate(spoil(draw, ordered, findings) if wrong else ordered)
                ],
            )
        case T.DISPUTE:
            open_ = nos(snapshot, FindingStatus.OPEN)
            chosen = (
                draw(st.lists(st.sampled_from(open_), min_size=1, unique=True)) if open_ else []
            )
            chosen = spoil(draw, chosen, findings) if wrong or not chosen else chosen
            return DisputeInput(actor=actor, finding_nos=chosen or [1], explanation="không đúng")
        case T.RESOLVE_DISPUTE:
            disputed = nos(snapshot, FindingStatus.DISPUTED)
            decided = spoil(draw, disputed, findings) if wrong else disputed
            return ResolveDisputeInput(
                actor=actor,
                decisions=[
                    DisputeDecision(finding_no=n, outcome=draw(st.sampled_from(DisputeOutcome)))
                    for n in decided or [1]
                ],
                unit_accepted=draw(st.booleans()),
            )
        case T.REPORT_REMEDIATION:
            acknowledged = nos(snapshot, FindingStatus.ACKNOWLEDGED)
            reported = spoil(draw, acknowledged, findings) if wrong else acknowledged
            return ReportRemediationInput(
                actor=actor,
                items=[RemediationReportItem(finding_no=n, report="xong") for n in reported or [1]],
            )
        case T.SCHEDULE_REINSPECTION:
            return ScheduleReinspectionInput(actor=actor, planned_on=day(draw, today, wrong))
        case T.VERIFY:
            reported = nos(snapshot, FindingStatus.REPORTED)
            spoilt = wrong and draw(st.booleans())
            verified = spoil(draw, reported, findings) if spoilt else reported
            return VerifyInput(
                actor=actor,
                results=[
                    Verification(finding_no=n, outcome=draw(st.sampled_from(VerificationOutcome)))
                    for n in verified or [1]
                ],
                next_due_on=day(draw, today, wrong and not spoilt),
            )
        case T.CANCEL:
            return CancelInput(actor=actor, reason="sáp nhập đơn vị")
        case T.VOID:
            return VoidInput(actor=actor, reason="nhập nhầm")
        case T.SUSPEND:
            return SuspendInput(actor=actor, reason="chờ ý kiến")
        case T.RESUME:
            return ResumeInput(actor=actor)
        case T.START_VISIT:
            return StartVisitInput(actor=actor)
        case T.ACKNOWLEDGE:
            return AcknowledgeInput(actor=actor)
        case T.EXTEND_VISIT:
            return ExtendVisitInput(actor=actor, reason="nhiều hồ sơ")
        case T.REQUEST_EXTENSION:
            items = snapshot.current_items()
            if wrong or not items:
                return RequestExtensionInput(
                    actor=actor,
                    finding_no=draw(st.sampled_from([*findings, 99])),
                    due_on=today - timedelta(days=draw(st.integers(0, 30))),
                    reason="gấp",
                )
            item = draw(st.sampled_from(items))
            return RequestExtensionInput(
                actor=actor,
                finding_no=item.finding_no,
                due_on=item.due_on + timedelta(days=draw(st.integers(1, 40))),
                reason="cần thêm thời gian",
            )
        case T.DECIDE_EXTENSION:
            pending = [e.n for e in snapshot.extensions if e.status is ExtensionStatus.PENDING]
            if wrong or not pending:
                n = draw(st.integers(1, len(snapshot.extensions) + 2))
            else:
                n = draw(st.sampled_from(pending))
            return DecideExtensionInput(actor=actor, n=n, grant=draw(st.booleans()))
        case T.RECORD_REINSPECTION:
            active = [f.no for f in snapshot.findings if f.status not in SETTLED_FINDING_STATUSES]
            checked = spoil(draw, active, findings) if wrong else active
            return RecordReinspectionInput(
                actor=actor,
                reinspection_id="kt-2025-009",
                results=[
                    Verification(finding_no=n, outcome=draw(st.sampled_from(VerificationOutcome)))
                    for n in checked or [1]
                ],
            )
    raise AssertionError(f"no payload for {trigger}")


def likely_actors(snapshot: InspectionSnapshot, trigger: Trigger) -> list[Actor]:
    """People who would press this button, written out here rather than read from the rules."""
    match trigger:
        case (
            T.FORM_TEAM
            | T.CHANGE_TEAM
            | T.RESOLVE_DISPUTE
            | T.CANCEL
            | T.SUSPEND
            | T.RESUME
            | T.SEND_NOTICE
            | T.SCHEDULE_REINSPECTION
            | T.DECIDE_EXTENSION
        ):
            return LEADERSHIP
        case T.START_VISIT | T.RECORD_VISIT | T.VERIFY:
            return team_inspectors(snapshot)
        case T.CONCLUDE | T.EXTEND_VISIT:
            return [DECISION_MAKER]
        case T.RECORD_REINSPECTION:
            return [SYSTEM_ACTOR]
    return UNIT_SIDE


@st.composite
def command(
    draw: st.DrawFn, snapshot: InspectionSnapshot, allowed: list[Trigger], now: datetime
) -> tuple[Trigger, Command]:
    """A trigger, an actor and a payload; ``allowed`` are the triggers the machine allows."""
    onward = [t for t in allowed if t not in {T.CANCEL, T.SUSPEND}]
    # Mostly move the inspection on; sometimes halt it; now and then press anything.
    roll = draw(st.integers(0, 19))
    if roll == 19 or not allowed:
        trigger = draw(st.sampled_from(Trigger))
    elif roll == 18 or not onward:
        trigger = draw(st.sampled_from(allowed))
    else:
        trigger = draw(st.sampled_from(onward))
    pool = ACTORS if sometimes(draw) else likely_actors(snapshot, trigger)
    actor = draw(st.sampled_from(pool))
    return trigger, draw(payload(snapshot, trigger, actor, now))


def assert_invariants(s: InspectionSnapshot, last: TransitionEvent) -> list[Trigger]:
    """Assert what must hold after every accepted command; return the allowed triggers."""
    # Where the inspection stands in substance; a suspension only pauses it.
    at = s.suspended_from if s.state is S.SUSPENDED else s.state
    unsettled = [f for f in s.findings if f.status not in SETTLED_FINDING_STATUSES]
    statuses = {f.status for f in unsettled}

    assert (s.state is S.SUSPENDED) == (s.suspended_from is not None)
    assert s.suspended_from not in {S.SUSPENDED, *TERMINAL}
    if s.state is S.CLOSED:
        assert not unsettled, f"closed with unsettled findings {unsettled}"
    if at in OWING:
        assert unsettled, f"{s.state} ({at}) without an unsettled finding"
    if at is S.REMEDIATION_REQUESTED:
        assert statuses == {FindingStatus.OPEN}
    if at is S.DISPUTED:
        assert FindingStatus.DISPUTED in statuses
        assert statuses <= {FindingStatus.DISPUTED, FindingStatus.OPEN}
    if at is S.REMEDIATING:
        assert statuses == {FindingStatus.ACKNOWLEDGED}
        items = {(r.finding_no, r.cycle) for r in s.remediation}
        missing = [f.no for f in unsettled if (f.no, s.cycle) not in items]
        assert not missing, f"no remediation item in cycle {s.cycle} for {missing}"
    if at in {S.REMEDIATION_REPORTED, S.REINSPECTING}:
        assert statuses == {FindingStatus.REPORTED}
    assert 1 <= s.cycle <= s.policy.max_cycles
    assert [e.n for e in s.extensions] == list(range(1, len(s.extensions) + 1))
    pending = [e.finding_no for e in s.extensions if e.status is ExtensionStatus.PENDING]
    assert len(pending) == len(set(pending)), f"two requests pending for one finding: {pending}"
    if pending:
        # A request waits only while its finding's item in this cycle still runs.
        assert at in {S.REMEDIATION_REQUESTED, S.DISPUTED, S.REMEDIATING}, f"pending in {at}"
        running = {r.finding_no for r in s.current_items() if r.status is RemediationStatus.OPEN}
        assert set(pending) <= running, f"pending {pending}, open items {running}"
    for request in s.extensions:
        assert request.due_on > request.previous_due_on
        if request.status is ExtensionStatus.PENDING:
            assert request.decided_by is None and request.decided_at is None
        if request.status in {ExtensionStatus.GRANTED, ExtensionStatus.REFUSED}:
            assert request.decided_by is not None and request.decided_at is not None
    assert [f.no for f in s.findings] == list(range(1, len(s.findings) + 1))

    assert s.seq == len(s.history)
    assert [h.seq for h in s.history] == list(range(1, s.seq + 1))
    assert last.seq == s.seq
    assert (last.to_state, last.at) == (s.state, s.updated_at)
    assert (s.history[-1].trigger, s.history[-1].to_state) == (last.trigger, s.state)

    if s.state not in (S.CANCELLED, S.VOIDED) and at is not S.DECIDED:
        assert s.team, f"{s.state} without a team"
        assert [m.team_role for m in s.team].count(TeamRole.TEAM_LEADER) == 1
    allowed = procedure.allowed_triggers(s)
    if s.state in TERMINAL:
        assert allowed == []
    else:
        assert allowed, f"stuck in {s.state}"
    return allowed


@settings(max_examples=200, deadline=None, report_multiple_bugs=False)
@given(
    kind=st.sampled_from([InspectionKind.PLANNED, InspectionKind.SURPRISE]),
    max_cycles=st.integers(1, 3),
    data=st.data(),
)
def test_random_commands_keep_the_invariants(
    kind: InspectionKind, max_cycles: int, data: st.DataObject
) -> None:
    snapshot, last = procedure.start(start_input(kind, max_cycles), T0)
    allowed = assert_invariants(snapshot, last)
    now = T0
    terminal_tries = 0  # commands sent after the end: a few suffice, each must be refused
    for _ in range(data.draw(st.integers(1, 20), label="steps")):
        now += STEP
        trigger, cmd = data.draw(command(snapshot, allowed, now), label="command")
        before = snapshot.model_dump()
        try:
            procedure.check(snapshot, trigger, cmd, now)
        except DomainError as exc:
            assert snapshot.model_dump() == before, f"a refused {trigger} changed the snapshot"
            event(f"refused: {exc.type}")
            if snapshot.state in TERMINAL:
                # Nothing is possible any more (who asks is checked first: NotAllowed).
                assert isinstance(exc, InvalidTransition | NotAllowed), (
                    f"{trigger} once {snapshot.state}"
                )
                terminal_tries += 1
                if terminal_tries == 3:
                    break
            continue
        assert snapshot.state not in TERMINAL, f"{trigger} accepted once {snapshot.state}"
        assert trigger in procedure.allowed_triggers(snapshot, cmd.actor)
        prior = snapshot
        snapshot, last = procedure.apply(prior, trigger, cmd, now)
        assert prior.model_dump() == before, (
            f"apply changed the snapshot it was given for {trigger}"
        )
        assert (last.from_state, last.trigger) == (prior.state, trigger)
        if trigger in INTERNAL:
            assert snapshot.state is prior.state, f"{trigger} changed the state"
        elif trigger is T.RECORD_REINSPECTION:  # settles findings; closes when none is left
            assert snapshot.state in (prior.state, S.CLOSED)
        else:
            assert snapshot.state is not prior.state, f"{trigger} left the state unchanged"
        assert snapshot.history[:-1] == prior.history
        allowed = assert_invariants(snapshot, last)
    event(f"ended {snapshot.state} in cycle {snapshot.cycle} of {max_cycles}")
