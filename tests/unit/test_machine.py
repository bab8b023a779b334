"""The lifecycle table of DESIGN.md §3, written out by hand and checked pair by pair.

The expectations below are literal on purpose: deriving them from ``states.machine`` would
make these tests agree with any mistake made there.
"""

from datetime import timedelta
from pathlib import Path

import pytest

from states import procedure
from states.diagram import mermaid
from states.errors import (
    ConflictOfInterest,
    DomainError,
    GuardFailed,
    InvalidCommand,
    InvalidTransition,
    NotAllowed,
)
from states.models import (
    AcknowledgeInput,
    CancelInput,
    ChecklistResult,
    Command,
    ConcludeInput,
    DecideExtensionInput,
    DisputeDecision,
    DisputeInput,
    FormTeamInput,
    RecordReinspectionInput,
    RecordVisitInput,
    RemediationOrder,
    RemediationReportItem,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    SendNoticeInput,
    StartVisitInput,
    SuspendInput,
    TeamMember,
    Verification,
    VerifyInput,
)
from states.vocabulary import (
    CheckResult,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionKind,
    InspectionState,
    RemediationStatus,
    Role,
    TeamRole,
    Trigger,
    VerificationOutcome,
)
from tests.unit.builders import (
    ANCESTOR_REP,
    CHAIN_COORDINATOR,
    CHAIN_DM,
    CONFLICTED,
    COORDINATOR,
    DECISION_MAKER,
    LATERAL_COORDINATOR,
    LATERAL_DM,
    LEADER,
    MEMBER,
    OFFICE_DM,
    OTHER_REP,
    OUTSIDER,
    REINSPECTING_PATH,
    STEP,
    T0,
    TEAM,
    UNIT_CHAIR,
    UNIT_ID,
    UNIT_REP,
    advance,
    good_command,
    member,
    minutes,
    reach,
    run,
)
from worker import diagram as doc

PLANNED = InspectionKind.PLANNED
SURPRISE = InspectionKind.SURPRISE
T = Trigger
S = InspectionState
NOW = T0 + 20 * STEP  # after the longest path reach() takes
PAST = T0.date()
LATER = T0.date() + timedelta(days=365)
UNRESOLVED = VerificationOutcome.UNRESOLVED
RESOLVED = VerificationOutcome.RESOLVED
REFERRED = VerificationOutcome.REFERRED

# Every trigger allowed from each snapshot (no actor, no payload), with the state the good
# command of tests/unit/builders.py leads to. A trigger not listed must be refused.
# "visited" has findings, "visited_clean" has none, "visited_unsigned" lacks the unit's
# signature; "+extension" has an extension request pending; "suspended/X" was suspended in
# X, "suspended/unset" has no suspended_from.
PLANNED_TABLE: dict[str, str] = {
    "decided": "form_team>team_formed cancel>cancelled void>voided suspend>suspended",
    "team_formed": (
        "send_notice>notified change_team>team_formed cancel>cancelled void>voided "
        "suspend>suspended"
    ),
    "notified": "start_visit>on_site change_team>notified cancel>cancelled suspend>suspended",
    "on_site": "record_visit>visited extend_visit>on_site cancel>cancelled suspend>suspended",
    # Inspections started before the findings report was a step may still conclude at once.
    "visited": "report_findings>findings_reported conclude>remediation_requested suspend>suspended",
    "visited_clean": "report_findings>findings_reported conclude>closed suspend>suspended",
    "visited_unsigned": "suspend>suspended",
    "findings_reported": "conclude>remediation_requested suspend>suspended",
    "findings_reported_clean": "conclude>closed suspend>suspended",
    # After the conclusion a verification re-inspection's results can settle every finding.
    "remediation_requested": (
        "acknowledge>remediating dispute>disputed request_extension>remediation_requested "
        "suspend>suspended record_reinspection>closed"
    ),
    "remediation_requested+extension": (
        "acknowledge>remediating dispute>disputed request_extension>remediation_requested "
        "decide_extension>remediation_requested suspend>suspended record_reinspection>closed"
    ),
    # A disputed finding waits for the dispute's decision: nothing closes yet.
    "disputed": (
        "resolve_dispute>remediation_requested suspend>suspended record_reinspection>disputed"
    ),
    "disputed+extension": (
        "resolve_dispute>remediation_requested decide_extension>disputed suspend>suspended "
        "record_reinspection>disputed"
    ),
    "remediating": (
        "report_remediation>remediation_reported request_extension>remediating suspend>suspended "
        "record_reinspection>closed"
    ),
    "remediating+extension": (
        "report_remediation>remediation_reported request_extension>remediating "
        "decide_extension>remediating suspend>suspended record_reinspection>closed"
    ),
    "remediation_reported": (
        "schedule_reinspection>reinspecting suspend>suspended record_reinspection>closed"
    ),
    "reinspecting": "verify>closed suspend>suspended record_reinspection>closed",
    "closed": "",
    "cancelled": "",
    "voided": "",
    "suspended/decided": "cancel>cancelled resume>decided",
    "suspended/team_formed": "cancel>cancelled resume>team_formed",
    "suspended/notified": "cancel>cancelled resume>notified",
    "suspended/on_site": "cancel>cancelled resume>on_site",
    "suspended/visited": "resume>visited",
    "suspended/findings_reported": "resume>findings_reported",
    "suspended/remediation_requested": ("resume>remediation_requested record_reinspection>closed"),
    "suspended/disputed": "resume>disputed record_reinspection>suspended",
    "suspended/remediating": "resume>remediating record_reinspection>closed",
    "suspended/remediation_reported": ("resume>remediation_reported record_reinspection>closed"),
    "suspended/reinspecting": "resume>reinspecting record_reinspection>closed",
    "suspended/unset": "",
}
# A surprise inspection differs in one row: no notice, straight on site.
SURPRISE_TABLE: dict[str, str] = {
    **PLANNED_TABLE,
    "team_formed": (
        "start_visit>on_site change_team>team_formed cancel>cancelled void>voided suspend>suspended"
    ),
}
EXPECTED = {PLANNED: PLANNED_TABLE, SURPRISE: SURPRISE_TABLE}

# Refusals that are not InvalidTransition: the trigger leaves the state in principle, but a
# guard (GuardFailed) or, checked before the guards, the payload (InvalidCommand) stops it.
SPECIAL_REFUSALS: dict[InspectionKind, dict[tuple[str, Trigger], type[DomainError]]] = {
    PLANNED: {
        ("team_formed", T.START_VISIT): GuardFailed,
        ("visited_unsigned", T.CONCLUDE): GuardFailed,
        ("visited_unsigned", T.REPORT_FINDINGS): GuardFailed,
        ("suspended/findings_reported", T.CANCEL): GuardFailed,
        ("suspended/findings_reported", T.RECORD_REINSPECTION): GuardFailed,
        # No request to decide: the payload names request 1, which does not exist.
        ("remediation_requested", T.DECIDE_EXTENSION): InvalidCommand,
        ("remediating", T.DECIDE_EXTENSION): InvalidCommand,
        ("disputed", T.DECIDE_EXTENSION): InvalidCommand,
        ("suspended/visited", T.CANCEL): GuardFailed,
        ("suspended/remediation_requested", T.CANCEL): GuardFailed,
        ("suspended/disputed", T.CANCEL): GuardFailed,
        ("suspended/remediating", T.CANCEL): GuardFailed,
        ("suspended/remediation_reported", T.CANCEL): GuardFailed,
        ("suspended/reinspecting", T.CANCEL): GuardFailed,
        ("suspended/unset", T.CANCEL): GuardFailed,
        ("suspended/unset", T.RESUME): GuardFailed,
        # Before the conclusion there is nothing a re-inspection could settle.
        ("suspended/decided", T.RECORD_REINSPECTION): InvalidCommand,
        ("suspended/team_formed", T.RECORD_REINSPECTION): InvalidCommand,
        ("suspended/notified", T.RECORD_REINSPECTION): InvalidCommand,
        ("suspended/on_site", T.RECORD_REINSPECTION): InvalidCommand,
        ("suspended/visited", T.RECORD_REINSPECTION): GuardFailed,
        ("suspended/unset", T.RECORD_REINSPECTION): InvalidCommand,
        # Who first: before a team exists nobody is on it.
        **{
            (case, trigger): NotAllowed
            for case in ("decided", "cancelled", "suspended/decided")
            for trigger in (T.START_VISIT, T.RECORD_VISIT, T.REPORT_FINDINGS, T.VERIFY)
        },
    },
}
SPECIAL_REFUSALS[SURPRISE] = {
    **{k: v for k, v in SPECIAL_REFUSALS[PLANNED].items() if k != ("team_formed", T.START_VISIT)},
    ("team_formed", T.SEND_NOTICE): GuardFailed,
}

CASES = [(kind, case) for kind in EXPECTED for case in EXPECTED[kind]]
ALLOWED_PAIRS = [
    (kind, case, T(pair.split(">")[0]), S(pair.split(">")[1]))
    for kind, case in CASES
    for pair in EXPECTED[kind][case].split()
]


def allowed_in_table(kind: InspectionKind, case: str) -> set[Trigger]:
    return {T(pair.split(">")[0]) for pair in EXPECTED[kind][case].split()}


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_allowed_triggers_match_the_table(kind: InspectionKind, case: str) -> None:
    snapshot = reach(case, kind)
    allowed = set(procedure.allowed_triggers(snapshot))
    expected = allowed_in_table(kind, case)
    assert allowed == expected, (
        f"{kind} {case}: unexpectedly allowed {sorted(allowed - expected)}, "
        f"unexpectedly refused {sorted(expected - allowed)}"
    )


@pytest.mark.parametrize(
    ("kind", "case", "trigger", "dest"),
    ALLOWED_PAIRS,
    ids=[f"{k}-{c}-{t}" for k, c, t, _ in ALLOWED_PAIRS],
)
def test_allowed_pairs_land_where_the_table_says(
    kind: InspectionKind, case: str, trigger: Trigger, dest: InspectionState
) -> None:
    snapshot = reach(case, kind)
    cmd = good_command(snapshot, trigger)
    procedure.check(snapshot, trigger, cmd, NOW)
    after, event = procedure.apply(snapshot, trigger, cmd, NOW)
    assert after.state is dest
    assert (event.from_state, event.to_state, event.trigger) == (snapshot.state, dest, trigger)


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_refused_pairs_raise_the_right_error(kind: InspectionKind, case: str) -> None:
    snapshot = reach(case, kind)
    wrong = []
    for trigger in set(T) - allowed_in_table(kind, case):
        expected = SPECIAL_REFUSALS[kind].get((case, trigger), InvalidTransition)
        try:
            procedure.check(snapshot, trigger, good_command(snapshot, trigger), NOW)
        except DomainError as exc:
            if type(exc) is not expected:
                wrong.append(f"{trigger}: {type(exc).__name__} ({exc}), want {expected.__name__}")
        else:
            wrong.append(f"{trigger}: accepted, want {expected.__name__}")
    assert not wrong, f"{kind} {case}:\n" + "\n".join(sorted(wrong))


def test_special_refusals_are_real_pairs_of_the_table() -> None:
    """A typo in SPECIAL_REFUSALS would silently turn its entry into an InvalidTransition."""
    for kind, pairs in SPECIAL_REFUSALS.items():
        for case, trigger in pairs:
            assert case in EXPECTED[kind]
            assert trigger not in allowed_in_table(kind, case)


def test_resume_goes_back_to_where_the_inspection_was_suspended() -> None:
    snapshot = reach("suspended/remediating", PLANNED)
    assert snapshot.suspended_from is S.REMEDIATING
    resumed = advance(snapshot, T.RESUME)
    assert (resumed.state, resumed.suspended_from, resumed.reason) == (S.REMEDIATING, None, "")


def test_cancel_from_suspended_clears_the_suspension() -> None:
    cancelled = advance(reach("suspended/on_site", PLANNED), T.CANCEL)
    assert (cancelled.state, cancelled.suspended_from) == (S.CANCELLED, None)
    assert cancelled.reason == "đơn vị sáp nhập"


def test_conclude_without_findings_closes() -> None:
    closed = reach("closed", SURPRISE)
    assert closed.findings == [] and closed.remediation == []


def test_conclude_with_findings_requests_remediation_per_finding() -> None:
    requested = reach("remediation_requested", PLANNED)
    assert [f.criterion for f in requested.findings] == ["ID-01", "CD-01"]
    assert [(r.finding_no, r.cycle) for r in requested.remediation] == [(1, 1), (2, 1)]


def resolve(outcome: DisputeOutcome, accepted: bool) -> tuple[Trigger, ResolveDisputeInput]:
    """Decide on finding 1, the one the good dispute contests."""
    return (
        T.RESOLVE_DISPUTE,
        ResolveDisputeInput(
            actor=COORDINATOR,
            decisions=[DisputeDecision(finding_no=1, outcome=outcome)],
            unit_accepted=accepted,
        ),
    )


def test_dispute_withdrawing_every_finding_closes() -> None:
    disputed = advance(
        reach("remediation_requested", PLANNED),
        (T.DISPUTE, DisputeInput(actor=UNIT_REP, finding_nos=[1, 2], explanation="sai")),
    )
    closed = advance(
        disputed,
        (
            T.RESOLVE_DISPUTE,
            ResolveDisputeInput(
                actor=DECISION_MAKER,
                decisions=[
                    DisputeDecision(finding_no=1, outcome=DisputeOutcome.WITHDRAWN),
                    DisputeDecision(finding_no=2, outcome=DisputeOutcome.WITHDRAWN),
                ],
            ),
        ),
    )
    assert closed.state is S.CLOSED
    assert {f.status for f in closed.findings} == {FindingStatus.WITHDRAWN}
    assert {r.status for r in closed.remediation} == {RemediationStatus.CANCELLED}


def test_dispute_accepted_at_resolution_goes_to_remediating() -> None:
    disputed = reach("disputed", PLANNED)
    remediating = advance(disputed, resolve(DisputeOutcome.UPHELD, accepted=True))
    assert remediating.state is S.REMEDIATING
    assert {f.status for f in remediating.findings} == {FindingStatus.ACKNOWLEDGED}


def test_dispute_partly_withdrawn_waits_for_acknowledgement() -> None:
    disputed = reach("disputed", PLANNED)
    requested = advance(disputed, resolve(DisputeOutcome.WITHDRAWN, accepted=False))
    assert requested.state is S.REMEDIATION_REQUESTED
    assert [f.status for f in requested.findings] == [FindingStatus.WITHDRAWN, FindingStatus.OPEN]


def verify(*outcomes: VerificationOutcome) -> tuple[Trigger, VerifyInput]:
    results = [Verification(finding_no=n, outcome=o) for n, o in enumerate(outcomes, 1)]
    return T.VERIFY, VerifyInput(actor=MEMBER, results=results)


def test_verify_with_unresolved_findings_opens_the_next_cycle() -> None:
    requested = advance(reach("reinspecting", PLANNED), verify(UNRESOLVED, RESOLVED))
    assert (requested.state, requested.cycle) == (S.REMEDIATION_REQUESTED, 2)
    assert [f.status for f in requested.findings] == [FindingStatus.OPEN, FindingStatus.RESOLVED]
    assert [(r.finding_no, r.cycle) for r in requested.current_items()] == [(1, 2)]


def test_verify_refuses_a_cycle_beyond_the_policy() -> None:
    second = run(
        PLANNED,
        T.FORM_TEAM,
        T.SEND_NOTICE,
        T.START_VISIT,
        *REINSPECTING_PATH,
        verify(UNRESOLVED, RESOLVED),
        *REINSPECTING_PATH[2:],
    )
    assert (second.state, second.cycle, second.policy.max_cycles) == (S.REINSPECTING, 2, 2)
    # The button stays: the finding can still be resolved or referred.
    assert T.VERIFY in procedure.allowed_triggers(second)
    trigger, cmd = verify(UNRESOLVED)
    with pytest.raises(GuardFailed) as refused:
        procedure.check(second, trigger, cmd, NOW)
    assert refused.value.detail == {"state": "reinspecting", "trigger": "verify"}
    closed = advance(second, verify(REFERRED))
    assert closed.state is S.CLOSED
    assert [f.status for f in closed.findings] == [FindingStatus.REFERRED, FindingStatus.RESOLVED]


def test_one_cycle_policy_refuses_any_second_cycle() -> None:
    reinspecting = run(SURPRISE, T.FORM_TEAM, T.START_VISIT, *REINSPECTING_PATH, max_cycles=1)
    trigger, cmd = verify(RESOLVED, UNRESOLVED)
    with pytest.raises(GuardFailed):
        procedure.check(reinspecting, trigger, cmd, NOW)


def refusal(case: str, kind: InspectionKind, trigger: Trigger, cmd: Command) -> DomainError:
    """The error ``check`` raises for ``cmd`` on the snapshot named by ``case``."""
    snapshot = reach(case, kind)
    with pytest.raises(DomainError) as info:
        procedure.check(snapshot, trigger, cmd, NOW)
    return info.value


def test_invalid_transition_names_the_state_and_the_allowed_actions() -> None:
    error = refusal("team_formed", PLANNED, T.CONCLUDE, ConcludeInput(actor=DECISION_MAKER))
    assert type(error) is InvalidTransition
    assert "team_formed" in error.message
    assert "send_notice, change_team, cancel, void, suspend" in error.message
    assert error.detail == {
        "state": "team_formed",
        "trigger": "conclude",
        "allowed": ["send_notice", "change_team", "cancel", "void", "suspend"],
    }


def test_invalid_transition_of_a_closed_inspection_allows_nothing() -> None:
    error = refusal("closed", PLANNED, T.SUSPEND, good_command(reach("closed", PLANNED), T.SUSPEND))
    assert type(error) is InvalidTransition
    assert "closed" in error.message and "nothing" in error.message


def test_the_actor_is_checked_before_the_state() -> None:
    """Who may never fire the trigger here hears that, not where the inspection stands."""
    error = refusal(
        "decided",
        PLANNED,
        T.VERIFY,
        VerifyInput(actor=OTHER_REP, results=[Verification(finding_no=7, outcome=RESOLVED)]),
    )
    assert type(error) is NotAllowed
    error = refusal(
        "decided", PLANNED, T.VERIFY, good_command(reach("reinspecting", PLANNED), T.VERIFY)
    )
    assert type(error) is NotAllowed  # the team does not exist yet
    error = refusal(
        "closed", PLANNED, T.SUSPEND, good_command(reach("decided", PLANNED), T.SUSPEND)
    )
    assert type(error) is InvalidTransition  # the right person at the wrong moment


NOT_ALLOWED = {
    "wrong role forms the team": (
        "decided",
        PLANNED,
        T.FORM_TEAM,
        FormTeamInput(actor=UNIT_REP, members=TEAM),
    ),
    "coordinator records minutes": ("on_site", PLANNED, T.RECORD_VISIT, minutes(actor=COORDINATOR)),
    "inspector off the team starts the visit": (
        "team_formed",
        SURPRISE,
        T.START_VISIT,
        StartVisitInput(actor=OUTSIDER),
    ),
    "inspector off the team records minutes": (
        "on_site",
        PLANNED,
        T.RECORD_VISIT,
        minutes(actor=OUTSIDER),
    ),
    "inspector off the team verifies": (
        "reinspecting",
        PLANNED,
        T.VERIFY,
        VerifyInput(
            actor=OUTSIDER, results=[Verification(finding_no=n, outcome=RESOLVED) for n in (1, 2)]
        ),
    ),
    "unit rep of another organisation acknowledges": (
        "remediation_requested",
        PLANNED,
        T.ACKNOWLEDGE,
        AcknowledgeInput(actor=OTHER_REP),
    ),
    "unit rep of another organisation disputes": (
        "remediation_requested",
        SURPRISE,
        T.DISPUTE,
        DisputeInput(actor=OTHER_REP, finding_nos=[1], explanation="x"),
    ),
    "unit rep concludes": ("visited", PLANNED, T.CONCLUDE, ConcludeInput(actor=UNIT_REP)),
    "inspector suspends": ("on_site", PLANNED, T.SUSPEND, SuspendInput(actor=LEADER, reason="x")),
    "inspector asks for an extension": (
        "remediating",
        PLANNED,
        T.REQUEST_EXTENSION,
        RequestExtensionInput(actor=LEADER, finding_no=1, due_on=LATER, reason="x"),
    ),
    "unit rep of another organisation asks for an extension": (
        "remediation_requested",
        PLANNED,
        T.REQUEST_EXTENSION,
        RequestExtensionInput(actor=OTHER_REP, finding_no=1, due_on=LATER, reason="x"),
    ),
    "decision-maker of a lateral office decides an extension": (
        "remediating+extension",
        SURPRISE,
        T.DECIDE_EXTENSION,
        DecideExtensionInput(actor=LATERAL_DM, n=1, grant=True),
    ),
    "coordinator of the managing chain suspends": (
        "on_site",
        PLANNED,
        T.SUSPEND,
        SuspendInput(actor=CHAIN_COORDINATOR, reason="x"),
    ),
    "chair of the unit cancels": (
        "team_formed",
        PLANNED,
        T.CANCEL,
        CancelInput(actor=UNIT_CHAIR, reason="x"),
    ),
    "chair of the unit resolves the dispute of its own unit": (
        "disputed",
        PLANNED,
        T.RESOLVE_DISPUTE,
        ResolveDisputeInput(
            actor=UNIT_CHAIR,
            decisions=[DisputeDecision(finding_no=1, outcome=DisputeOutcome.WITHDRAWN)],
        ),
    ),
    "decision-maker of the coordinating office concludes": (
        "visited",
        PLANNED,
        T.CONCLUDE,
        ConcludeInput(actor=OFFICE_DM),
    ),
    "decision-maker of the managing chain concludes": (
        "visited",
        PLANNED,
        T.CONCLUDE,
        ConcludeInput(actor=CHAIN_DM),
    ),
    "coordinator notifies the unit of its own team of a lateral office": (
        "team_formed",
        PLANNED,
        T.SEND_NOTICE,
        SendNoticeInput(actor=LATERAL_COORDINATOR),
    ),
    "coordinator starts the visit": (
        "team_formed",
        SURPRISE,
        T.START_VISIT,
        StartVisitInput(actor=COORDINATOR),
    ),
    "a person kiemtra does not know records a re-inspection": (
        "remediating",
        PLANNED,
        T.RECORD_REINSPECTION,
        RecordReinspectionInput(
            actor=COORDINATOR,
            reinspection_id="x",
            results=[Verification(finding_no=1, outcome=RESOLVED)],
        ),
    ),
    "unit rep grants itself an extension": (
        "remediating+extension",
        PLANNED,
        T.DECIDE_EXTENSION,
        DecideExtensionInput(actor=UNIT_REP, n=1, grant=True),
    ),
}


@pytest.mark.parametrize(("case", "kind", "trigger", "cmd"), NOT_ALLOWED.values(), ids=NOT_ALLOWED)
def test_actor_refusals_are_not_allowed(
    case: str, kind: InspectionKind, trigger: Trigger, cmd: Command
) -> None:
    assert type(refusal(case, kind, trigger, cmd)) is NotAllowed


def test_a_representative_of_an_ancestor_unit_may_answer() -> None:
    snapshot = reach("remediation_requested", PLANNED)
    procedure.check(snapshot, T.ACKNOWLEDGE, AcknowledgeInput(actor=ANCESTOR_REP), NOW)
    assert T.ACKNOWLEDGE in procedure.allowed_triggers(snapshot, ANCESTOR_REP)
    assert procedure.allowed_triggers(snapshot, OTHER_REP) == []


def test_allowed_triggers_for_an_actor_respect_team_membership() -> None:
    snapshot = reach("team_formed", SURPRISE)
    assert procedure.allowed_triggers(snapshot, LEADER) == [T.START_VISIT]
    assert procedure.allowed_triggers(snapshot, OUTSIDER) == []
    leading = [T.CHANGE_TEAM, T.CANCEL, T.VOID, T.SUSPEND]
    assert procedure.allowed_triggers(snapshot, COORDINATOR) == leading
    assert procedure.allowed_triggers(snapshot, DECISION_MAKER) == leading
    assert procedure.allowed_triggers(snapshot, CHAIN_COORDINATOR) == []
    assert procedure.allowed_triggers(snapshot, UNIT_CHAIR) == []


def results(*criteria: str) -> list[ChecklistResult]:
    return [ChecklistResult(criterion=c, result=CheckResult.NON_COMPLIANT) for c in criteria]


INVALID_COMMANDS = {
    "team without a leader": (
        "decided",
        PLANNED,
        T.FORM_TEAM,
        FormTeamInput(actor=COORDINATOR, members=[member(MEMBER)]),
    ),
    "team with two leaders": (
        "decided",
        SURPRISE,
        T.FORM_TEAM,
        FormTeamInput(
            actor=COORDINATOR,
            members=[member(LEADER, TeamRole.TEAM_LEADER), member(MEMBER, TeamRole.TEAM_LEADER)],
        ),
    ),
    "empty team": ("decided", PLANNED, T.FORM_TEAM, FormTeamInput(actor=COORDINATOR, members=[])),
    "person twice on the team": (
        "decided",
        PLANNED,
        T.FORM_TEAM,
        FormTeamInput(actor=COORDINATOR, members=[*TEAM, member(MEMBER)]),
    ),
    "visit planned in the past": (
        "team_formed",
        PLANNED,
        T.SEND_NOTICE,
        SendNoticeInput(actor=COORDINATOR, visit_planned_on=PAST),
    ),
    "minutes not signed by the unit and no witness": (
        "on_site",
        PLANNED,
        T.RECORD_VISIT,
        RecordVisitInput(actor=LEADER, results=results("WH-01"), signed_by_unit=False),
    ),
    "minutes not signed by the leader": (
        "on_site",
        SURPRISE,
        T.RECORD_VISIT,
        RecordVisitInput(actor=LEADER, results=results("WH-01"), signed_by_leader=False),
    ),
    "minutes without results": (
        "on_site",
        PLANNED,
        T.RECORD_VISIT,
        RecordVisitInput(actor=LEADER, results=[]),
    ),
    "minutes outside the checklist": (
        "on_site",
        PLANNED,
        T.RECORD_VISIT,
        RecordVisitInput(actor=LEADER, results=results("WH-01", "ZZ-99")),
    ),
    "minutes repeat a criterion": (
        "on_site",
        PLANNED,
        T.RECORD_VISIT,
        RecordVisitInput(actor=LEADER, results=results("WH-01", "WH-01")),
    ),
    "conclusion orders an unknown finding": (
        "visited",
        PLANNED,
        T.CONCLUDE,
        ConcludeInput(actor=DECISION_MAKER, orders=[RemediationOrder(finding_no=9)]),
    ),
    "remediation due in the past": (
        "visited",
        PLANNED,
        T.CONCLUDE,
        ConcludeInput(actor=DECISION_MAKER, orders=[RemediationOrder(finding_no=1, due_on=PAST)]),
    ),
    "dispute of an unknown finding": (
        "remediation_requested",
        PLANNED,
        T.DISPUTE,
        DisputeInput(actor=UNIT_REP, finding_nos=[99], explanation="không có"),
    ),
    "dispute names a finding twice": (
        "remediation_requested",
        PLANNED,
        T.DISPUTE,
        DisputeInput(actor=UNIT_REP, finding_nos=[1, 1], explanation="hai lần"),
    ),
    "resolution of a finding nobody disputed": (
        "disputed",
        PLANNED,
        T.RESOLVE_DISPUTE,
        ResolveDisputeInput(
            actor=DECISION_MAKER,
            decisions=[DisputeDecision(finding_no=2, outcome=DisputeOutcome.WITHDRAWN)],
        ),
    ),
    "report leaves out an acknowledged finding": (
        "remediating",
        PLANNED,
        T.REPORT_REMEDIATION,
        ReportRemediationInput(
            actor=UNIT_REP, items=[RemediationReportItem(finding_no=1, report="xong")]
        ),
    ),
    "report of an unknown finding": (
        "remediating",
        SURPRISE,
        T.REPORT_REMEDIATION,
        ReportRemediationInput(
            actor=UNIT_REP,
            items=[RemediationReportItem(finding_no=n, report="xong") for n in (1, 2, 3)],
        ),
    ),
    "verification leaves out a reported finding": (
        "reinspecting",
        PLANNED,
        T.VERIFY,
        VerifyInput(actor=MEMBER, results=[Verification(finding_no=2, outcome=RESOLVED)]),
    ),
    "extension to a date before the due date": (
        "remediating",
        PLANNED,
        T.REQUEST_EXTENSION,
        RequestExtensionInput(actor=UNIT_REP, finding_no=1, due_on=PAST, reason="x"),
    ),
    "extension for an unknown finding": (
        "remediation_requested",
        PLANNED,
        T.REQUEST_EXTENSION,
        RequestExtensionInput(actor=UNIT_REP, finding_no=9, due_on=LATER, reason="x"),
    ),
    "second extension pending for one finding": (
        "remediating+extension",
        PLANNED,
        T.REQUEST_EXTENSION,
        RequestExtensionInput(actor=UNIT_REP, finding_no=1, due_on=LATER, reason="lại"),
    ),
    "decision on an unknown extension request": (
        "remediation_requested+extension",
        PLANNED,
        T.DECIDE_EXTENSION,
        DecideExtensionInput(actor=COORDINATOR, n=2, grant=False),
    ),
}


def test_a_decided_extension_cannot_be_decided_again() -> None:
    granted = advance(reach("remediating+extension", PLANNED), T.DECIDE_EXTENSION)
    cmd = DecideExtensionInput(actor=COORDINATOR, n=1, grant=False)
    with pytest.raises(InvalidCommand) as refused:
        procedure.check(granted, T.DECIDE_EXTENSION, cmd, NOW)
    assert refused.value.detail == {"n": 1}
    assert T.DECIDE_EXTENSION not in procedure.allowed_triggers(granted)


@pytest.mark.parametrize("grant", [True, False], ids=["granted", "refused"])
def test_deciding_an_extension_sets_the_due_date(grant: bool) -> None:
    pending = reach("remediating+extension", PLANNED)
    request = pending.extensions[0]
    cmd = DecideExtensionInput(actor=COORDINATOR, n=1, grant=grant, note="đồng ý")
    decided = advance(pending, (T.DECIDE_EXTENSION, cmd))
    item = next(r for r in decided.current_items() if r.finding_no == request.finding_no)
    assert item.due_on == (request.due_on if grant else request.previous_due_on)
    assert decided.extensions[0].status is (
        ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    )
    assert (decided.state, decided.history[-1].to_state) == (S.REMEDIATING, S.REMEDIATING)


def test_a_pending_extension_does_not_outlive_its_cycle() -> None:
    """A request left pending into cycle 2 would block a new request for the finding, and
    granting it would move the cycle-2 due date to a date asked for against cycle 1's."""
    second = advance(
        reach("remediating+extension", PLANNED),
        T.REPORT_REMEDIATION,
        T.SCHEDULE_REINSPECTION,
        verify(UNRESOLVED, RESOLVED),
    )
    assert (second.state, second.cycle) == (S.REMEDIATION_REQUESTED, 2)
    assert [e.status for e in second.extensions] == [ExtensionStatus.LAPSED]
    assert T.DECIDE_EXTENSION not in procedure.allowed_triggers(second)
    procedure.check(second, T.REQUEST_EXTENSION, good_command(second, T.REQUEST_EXTENSION), NOW)


def test_a_pending_extension_lapses_once_its_finding_is_disputed() -> None:
    disputed = advance(reach("remediation_requested+extension", PLANNED), T.DISPUTE)
    assert disputed.findings[0].status is FindingStatus.DISPUTED
    assert [e.status for e in disputed.extensions] == [ExtensionStatus.LAPSED]
    requested = advance(disputed, resolve(DisputeOutcome.WITHDRAWN, accepted=False))
    assert T.DECIDE_EXTENSION not in procedure.allowed_triggers(requested)


def test_an_extension_for_an_undisputed_finding_survives_the_dispute() -> None:
    disputed = reach("disputed+extension", PLANNED)
    assert [(e.finding_no, e.status) for e in disputed.extensions] == [(2, ExtensionStatus.PENDING)]
    remediating = advance(disputed, resolve(DisputeOutcome.UPHELD, accepted=True))
    assert T.DECIDE_EXTENSION in procedure.allowed_triggers(remediating)


@pytest.mark.parametrize(
    ("case", "kind", "trigger", "cmd"), INVALID_COMMANDS.values(), ids=INVALID_COMMANDS
)
def test_bad_payloads_are_invalid_commands(
    case: str, kind: InspectionKind, trigger: Trigger, cmd: Command
) -> None:
    assert type(refusal(case, kind, trigger, cmd)) is InvalidCommand


def test_a_witness_signs_when_the_unit_refuses() -> None:
    minutes_ = RecordVisitInput(
        actor=LEADER, results=results("OS-01"), signed_by_unit=False, witness="Trưởng thôn"
    )
    visited = advance(reach("on_site", PLANNED), (T.RECORD_VISIT, minutes_))
    assert visited.visit.minutes_signed
    assert T.CONCLUDE in procedure.allowed_triggers(visited)


def test_only_open_findings_can_be_disputed() -> None:
    disputed = reach("disputed", PLANNED)
    requested = advance(disputed, resolve(DisputeOutcome.WITHDRAWN, accepted=False))
    cmd = DisputeInput(actor=UNIT_REP, finding_nos=[1, 2], explanation="lần nữa")
    with pytest.raises(InvalidCommand) as refused:
        procedure.check(requested, T.DISPUTE, cmd, NOW)
    assert refused.value.detail == {"finding_nos": [1]}  # withdrawn, so no longer open


@pytest.mark.parametrize(
    "local",
    [
        CONFLICTED,
        member(OUTSIDER).model_copy(update={"organisation_id": UNIT_ID}),
    ],
    ids=["path-contains-unit", "member-of-unit"],
)
def test_a_member_from_the_inspected_unit_is_a_conflict_of_interest(local: TeamMember) -> None:
    cmd = FormTeamInput(actor=COORDINATOR, members=[*TEAM, local])
    error = refusal("decided", PLANNED, T.FORM_TEAM, cmd)
    assert type(error) is ConflictOfInterest


def test_a_member_of_the_managing_chain_is_a_conflict_of_interest() -> None:
    """The district that runs the commune stands on the inspected side."""
    chain = member(OUTSIDER).model_copy(
        update={"organisation_id": "ubnd-huyen", "organisation_path": ["ubnd-tinh", "ubnd-huyen"]}
    )
    cmd = FormTeamInput(actor=COORDINATOR, members=[*TEAM, chain])
    error = refusal("decided", PLANNED, T.FORM_TEAM, cmd)
    assert type(error) is ConflictOfInterest
    assert error.detail == {"user_id": OUTSIDER.user_id, "name": OUTSIDER.name}


def test_a_member_from_a_lateral_office_is_no_conflict() -> None:
    lateral = member(OUTSIDER).model_copy(
        update={"organisation_id": "so-tu-phap", "organisation_path": ["ubnd-tinh", "so-tu-phap"]}
    )
    cmd = FormTeamInput(actor=COORDINATOR, members=[*TEAM, lateral])
    procedure.check(reach("decided", PLANNED), T.FORM_TEAM, cmd, NOW)


def test_only_inspector_accounts_serve_on_a_team() -> None:
    """A unit representative, an administrator or a viewer is refused, named (422)."""
    for role in (Role.UNIT_REP, Role.ADMIN, Role.VIEWER, Role.COORDINATOR):
        odd = member(OUTSIDER).model_copy(update={"role": role})
        error = refusal(
            "decided", PLANNED, T.FORM_TEAM, FormTeamInput(actor=COORDINATOR, members=[*TEAM, odd])
        )
        assert type(error) is InvalidCommand
        assert error.detail["user_id"] == OUTSIDER.user_id and error.detail["role"] == role.value


def test_notice_for_a_surprise_inspection_fails_its_guard() -> None:
    snapshot = reach("team_formed", SURPRISE)
    error = refusal("team_formed", SURPRISE, T.SEND_NOTICE, good_command(snapshot, T.SEND_NOTICE))
    assert type(error) is GuardFailed
    assert "announced" in error.message
    assert error.detail == {"state": "team_formed", "trigger": "send_notice"}


def test_check_leaves_the_snapshot_alone() -> None:
    snapshot = reach("disputed", PLANNED)
    before = snapshot.model_copy(deep=True)
    procedure.check(snapshot, T.RESOLVE_DISPUTE, good_command(snapshot, T.RESOLVE_DISPUTE), NOW)
    with pytest.raises(DomainError):
        procedure.check(snapshot, T.VERIFY, good_command(snapshot, T.VERIFY), NOW)
    assert snapshot == before


LIFECYCLE_LINES = """
[*] --> decided
decided --> team_formed: form_team
decided --> cancelled: cancel
decided --> voided: void
team_formed --> voided: void
voided --> [*]
decided --> suspended: suspend
team_formed --> notified: send_notice [announced]
team_formed --> team_formed: change_team [internal]
notified --> notified: change_team [internal]
team_formed --> on_site: start_visit [unannounced]
team_formed --> cancelled: cancel
team_formed --> suspended: suspend
notified --> on_site: start_visit
notified --> cancelled: cancel
notified --> suspended: suspend
on_site --> visited: record_visit
on_site --> cancelled: cancel
on_site --> suspended: suspend
on_site --> on_site: extend_visit [internal] [visit_not_extended]
visited --> findings_reported: report_findings [minutes_signed]
visited --> closed: conclude [report_not_required & minutes_signed & no_findings]
visited --> remediation_requested: conclude [report_not_required & minutes_signed & has_findings]
visited --> suspended: suspend
findings_reported --> closed: conclude [no_findings]
findings_reported --> remediation_requested: conclude [has_findings]
findings_reported --> suspended: suspend
remediation_requested --> remediating: acknowledge
remediation_requested --> disputed: dispute
remediation_requested --> remediation_requested: request_extension [internal] | \
decide_extension [internal] [extension_pending] | record_reinspection [internal]
remediation_requested --> suspended: suspend
remediation_requested --> closed: record_reinspection [reinspection_settles_all]
disputed --> closed: resolve_dispute [dispute_withdraws_all] | \
record_reinspection [reinspection_settles_all]
disputed --> remediating: resolve_dispute [unit_accepts_upheld]
disputed --> remediation_requested: resolve_dispute [unit_must_acknowledge]
disputed --> suspended: suspend
disputed --> disputed: decide_extension [internal] [extension_pending] | \
record_reinspection [internal]
remediating --> remediation_reported: report_remediation
remediating --> remediating: request_extension [internal] | \
decide_extension [internal] [extension_pending] | record_reinspection [internal]
remediating --> suspended: suspend
remediating --> closed: record_reinspection [reinspection_settles_all]
remediation_reported --> reinspecting: schedule_reinspection
remediation_reported --> suspended: suspend
remediation_reported --> closed: record_reinspection [reinspection_settles_all]
remediation_reported --> remediation_reported: record_reinspection [internal]
reinspecting --> closed: verify [all_settled] | record_reinspection [reinspection_settles_all]
reinspecting --> remediation_requested: verify [next_cycle_allowed]
reinspecting --> suspended: suspend
reinspecting --> reinspecting: record_reinspection [internal]
suspended --> cancelled: cancel [suspended_before_conclusion]
suspended --> closed: record_reinspection [suspended_after_conclusion & reinspection_settles_all]
suspended --> suspended: record_reinspection [internal] [suspended_after_conclusion]
suspended --> decided: resume [was_decided]
suspended --> team_formed: resume [was_team_formed]
suspended --> notified: resume [was_notified]
suspended --> on_site: resume [was_on_site]
suspended --> visited: resume [was_visited]
suspended --> findings_reported: resume [was_findings_reported]
suspended --> remediation_requested: resume [was_remediation_requested]
suspended --> disputed: resume [was_disputed]
suspended --> remediating: resume [was_remediating]
suspended --> remediation_reported: resume [was_remediation_reported]
suspended --> reinspecting: resume [was_reinspecting]
closed --> [*]
cancelled --> [*]
"""


def test_the_diagram_draws_exactly_the_lifecycle() -> None:
    drawn = {line.strip() for line in mermaid().splitlines() if "-->" in line}
    expected = set(LIFECYCLE_LINES.strip().splitlines())
    assert drawn == expected, (
        f"missing: {sorted(expected - drawn)}; unexpected: {sorted(drawn - expected)}"
    )


def test_the_diagram_marks_the_current_state_only_when_asked() -> None:
    assert "s_active" not in mermaid().replace("classDef s_active", "")
    assert "class disputed s_active" in mermaid(S.DISPUTED)


def test_the_committed_lifecycle_doc_is_generated() -> None:
    committed = Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md"
    assert committed.read_text(encoding="utf-8") == doc.render(), "run `make diagram`"


def test_apply_without_check_never_applies_a_refused_trigger() -> None:
    """Guards hold even when a caller skips ``check``: no effects, no history entry."""
    snapshot = reach("team_formed", SURPRISE)
    with pytest.raises(GuardFailed):
        procedure.apply(snapshot, T.SEND_NOTICE, good_command(snapshot, T.SEND_NOTICE), NOW)
    assert snapshot.notice_number == "" and snapshot.seq == len(snapshot.history)


def test_the_visit_is_extended_once() -> None:
    extended = advance(reach("on_site", PLANNED), T.EXTEND_VISIT)
    assert extended.on_site_extended and extended.state is S.ON_SITE
    assert T.EXTEND_VISIT not in procedure.allowed_triggers(extended)
    with pytest.raises(GuardFailed):
        procedure.check(extended, T.EXTEND_VISIT, good_command(extended, T.EXTEND_VISIT), NOW)
