"""Actors, inputs and snapshots for the unit tests, built through the procedure itself."""

from datetime import UTC, datetime, timedelta

from states import procedure
from states.calendar import WorkingCalendar
from states.machine import finding_is_active
from states.models import (
    AcknowledgeInput,
    Actor,
    CancelInput,
    ChangeTeamInput,
    ChecklistResult,
    Command,
    ConcludeInput,
    DecideExtensionInput,
    Decision,
    DisputeDecision,
    DisputeInput,
    ExtendVisitInput,
    FormTeamInput,
    InspectionSnapshot,
    RecordReinspectionInput,
    RecordVisitInput,
    RemediationReportItem,
    ReportFindingsInput,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    ResumeInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    StartInspectionInput,
    StartVisitInput,
    SuspendInput,
    TeamMember,
    Verification,
    VerifyInput,
    VoidInput,
)
from states.policies import DeadlinePolicy
from states.reinspection import SYSTEM_ACTOR
from states.vocabulary import (
    CheckResult,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionKind,
    InspectionState,
    Role,
    TeamRole,
    Trigger,
    VerificationOutcome,
)

# 09:00 in Hanoi on a Monday; tests advance from here, never from the clock.
T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
STEP = timedelta(hours=5)
WEEKDAYS = WorkingCalendar()

# The province decides (its People's Committee issues, Home Affairs coordinates) and inspects
# a commune under a district: the district is the unit's managing chain.
PROVINCE = "ubnd-tinh"
UNIT_ID = "ubnd-xa-an-binh"
UNIT_PATH = [PROVINCE, "ubnd-huyen"]
INSPECTORATE = "so-noi-vu"
CHECKLIST = ["WH-01", "ID-01", "CD-01", "OS-01"]


def _actor(user_id: str, name: str, role: Role, *chain: str) -> Actor:
    return Actor(
        user_id=user_id, name=name, role=role, organisation_id=chain[-1], chain=list(chain)
    )


COORDINATOR = _actor("coord", "Điều phối", Role.COORDINATOR, PROVINCE, INSPECTORATE)
DECISION_MAKER = _actor("chief", "Chủ tịch", Role.DECISION_MAKER, PROVINCE)
LEADER = _actor("lead", "Trưởng đoàn", Role.INSPECTOR, PROVINCE, INSPECTORATE)
MEMBER = _actor("mem", "Thành viên", Role.INSPECTOR, PROVINCE, INSPECTORATE)
OUTSIDER = _actor("outsider", "Ngoài đoàn", Role.INSPECTOR, PROVINCE, INSPECTORATE)
UNIT_REP = _actor("rep", "Đại diện", Role.UNIT_REP, *UNIT_PATH, UNIT_ID)
ANCESTOR_REP = _actor("rep-huyen", "Huyện", Role.UNIT_REP, *UNIT_PATH)
OTHER_REP = _actor("rep-other", "Xã khác", Role.UNIT_REP, *UNIT_PATH, "ubnd-xa-khac")
VIEWER = _actor("viewer", "Xem", Role.VIEWER, PROVINCE)
# Office holders on other sides: the district (managing chain), the commune itself, the
# coordinating office's own head, and a lateral department.
CHAIN_COORDINATOR = _actor("coord-huyen", "Đầu mối huyện", Role.COORDINATOR, *UNIT_PATH)
CHAIN_DM = _actor("chief-huyen", "Chủ tịch huyện", Role.DECISION_MAKER, *UNIT_PATH)
UNIT_CHAIR = _actor("chief-xa", "Chủ tịch xã", Role.DECISION_MAKER, *UNIT_PATH, UNIT_ID)
OFFICE_DM = _actor("director-snv", "Giám đốc Sở", Role.DECISION_MAKER, PROVINCE, INSPECTORATE)
LATERAL_COORDINATOR = _actor("coord-stp", "Đầu mối Sở Tư pháp", Role.COORDINATOR, PROVINCE, "stp")
LATERAL_DM = _actor("director-stp", "Giám đốc Sở Tư pháp", Role.DECISION_MAKER, PROVINCE, "stp")
ACTORS = [
    COORDINATOR,
    DECISION_MAKER,
    LEADER,
    MEMBER,
    OUTSIDER,
    UNIT_REP,
    ANCESTOR_REP,
    OTHER_REP,
    VIEWER,
]


def member(
    actor: Actor, team_role: TeamRole = TeamRole.MEMBER, organisation_path: list[str] | None = None
) -> TeamMember:
    return TeamMember(
        user_id=actor.user_id,
        name=actor.name,
        team_role=team_role,
        organisation_id=INSPECTORATE,
        organisation_path=organisation_path
        if organisation_path is not None
        else [PROVINCE, INSPECTORATE],
    )


TEAM = [member(LEADER, TeamRole.TEAM_LEADER), member(MEMBER)]
# A member without an account, seconded from the district's justice office (seed 000).
SECONDED = TeamMember(
    name="Lê Thành Nhân", position="Chuyên viên", organisation_name="Phòng Tư pháp huyện"
)
# Works in a sub-unit of the inspected unit: must not sit on its team.
CONFLICTED = TeamMember(
    user_id="local",
    name="Cán bộ xã",
    organisation_id="ubnd-xa-an-binh-vp",
    organisation_path=[*UNIT_PATH, UNIT_ID],
)


def start_input(
    kind: InspectionKind = InspectionKind.PLANNED, max_cycles: int = 2
) -> StartInspectionInput:
    return StartInspectionInput(
        inspection_id="kt-2025-001",
        kind=kind,
        unit_id=UNIT_ID,
        unit_name="UBND xã An Bình",
        unit_path=UNIT_PATH,
        title="Kiểm tra công vụ quý I",
        checklist=CHECKLIST,
        decision=Decision(number="12/QĐ-UBND", issuer_id=PROVINCE),
        office_id=INSPECTORATE,
        policy=DeadlinePolicy(max_cycles=max_cycles),
        actor=COORDINATOR,
    )


def nos(snapshot: InspectionSnapshot, status: FindingStatus) -> list[int]:
    return [f.no for f in snapshot.findings if f.status is status]


def minutes(*, findings: bool = True, actor: Actor = LEADER) -> RecordVisitInput:
    """Signed minutes; with ``findings`` two of the four criteria fall short."""
    bad = CheckResult.NON_COMPLIANT if findings else CheckResult.COMPLIANT
    partial = CheckResult.PARTIAL if findings else CheckResult.NOT_APPLICABLE
    return RecordVisitInput(
        actor=actor,
        results=[
            ChecklistResult(criterion="WH-01", result=CheckResult.COMPLIANT),
            ChecklistResult(criterion="ID-01", result=bad, note="không đeo thẻ"),
            ChecklistResult(criterion="CD-01", result=partial),
            ChecklistResult(criterion="OS-01", result=CheckResult.COMPLIANT),
        ],
    )


def good_command(snapshot: InspectionSnapshot, trigger: Trigger) -> Command:
    """A command for ``trigger`` that the right person would send now, payload complete."""
    today = T0.date()
    match trigger:
        case Trigger.FORM_TEAM:
            return FormTeamInput(actor=COORDINATOR, members=TEAM)
        case Trigger.CHANGE_TEAM:
            return ChangeTeamInput(
                actor=COORDINATOR, members=[*TEAM, SECONDED], number="97/QĐ-UBND", reason="bổ sung"
            )
        case Trigger.SEND_NOTICE:
            return SendNoticeInput(
                actor=COORDINATOR, number="12/TB-UBND", visit_planned_on=today + timedelta(60)
            )
        case Trigger.START_VISIT:
            return StartVisitInput(actor=LEADER)
        case Trigger.RECORD_VISIT:
            return minutes()
        case Trigger.REPORT_FINDINGS:
            return ReportFindingsInput(actor=LEADER, number="05/BC-ĐKT")
        case Trigger.CONCLUDE:
            return ConcludeInput(actor=DECISION_MAKER, number="210/TB-UBND")
        case Trigger.ACKNOWLEDGE:
            return AcknowledgeInput(actor=UNIT_REP)
        case Trigger.DISPUTE:
            return DisputeInput(
                actor=UNIT_REP,
                finding_nos=nos(snapshot, FindingStatus.OPEN)[:1] or [1],
                explanation="đã có giấy phép",
            )
        case Trigger.RESOLVE_DISPUTE:
            return ResolveDisputeInput(
                actor=DECISION_MAKER,
                decisions=[
                    DisputeDecision(finding_no=no, outcome=DisputeOutcome.UPHELD)
                    for no in nos(snapshot, FindingStatus.DISPUTED) or [1]
                ],
            )
        case Trigger.REPORT_REMEDIATION:
            return ReportRemediationInput(
                actor=UNIT_REP,
                items=[
                    RemediationReportItem(finding_no=no, report="đã khắc phục")
                    for no in nos(snapshot, FindingStatus.ACKNOWLEDGED) or [1]
                ],
            )
        case Trigger.SCHEDULE_REINSPECTION:
            return ScheduleReinspectionInput(actor=COORDINATOR, planned_on=today + timedelta(60))
        case Trigger.VERIFY:
            return VerifyInput(
                actor=MEMBER,
                results=[
                    Verification(finding_no=no, outcome=VerificationOutcome.RESOLVED)
                    for no in nos(snapshot, FindingStatus.REPORTED) or [1]
                ],
            )
        case Trigger.CANCEL:
            return CancelInput(actor=COORDINATOR, reason="đơn vị sáp nhập")
        case Trigger.VOID:
            return VoidInput(actor=COORDINATOR, reason="nhập nhầm đơn vị")
        case Trigger.SUSPEND:
            return SuspendInput(actor=DECISION_MAKER, reason="chờ ý kiến cấp trên")
        case Trigger.RESUME:
            return ResumeInput(actor=DECISION_MAKER)
        case Trigger.EXTEND_VISIT:
            return ExtendVisitInput(actor=DECISION_MAKER, reason="đơn vị nhiều hồ sơ")
        case Trigger.REQUEST_EXTENSION:
            pending = {
                e.finding_no for e in snapshot.extensions if e.status is ExtensionStatus.PENDING
            }
            item = next(
                (r for r in snapshot.current_items() if r.finding_no not in pending),
                None,
            )
            return RequestExtensionInput(
                actor=UNIT_REP,
                finding_no=item.finding_no if item else 1,
                due_on=WEEKDAYS.add_working_days(
                    (item.due_on if item else today) + timedelta(days=20), 0
                ),
                reason="cần thêm kinh phí",
            )
        case Trigger.DECIDE_EXTENSION:
            n = next((e.n for e in snapshot.extensions if e.status is ExtensionStatus.PENDING), 1)
            return DecideExtensionInput(actor=COORDINATOR, n=n, grant=True)
        case Trigger.RECORD_REINSPECTION:
            active = [f.no for f in snapshot.findings if finding_is_active(f.status)]
            return RecordReinspectionInput(
                actor=SYSTEM_ACTOR,
                reinspection_id="kt-2025-002",
                results=[
                    Verification(finding_no=no, outcome=VerificationOutcome.RESOLVED)
                    for no in active or [1]
                ],
            )
    raise AssertionError(f"no command for {trigger}")


Step = Trigger | tuple[Trigger, Command]


def advance(snapshot: InspectionSnapshot, *steps: Step) -> InspectionSnapshot:
    """Feed ``steps`` through check and apply, as the workflow does; a bare trigger gets
    its good command."""
    now = snapshot.updated_at
    for step in steps:
        trigger, cmd = step if isinstance(step, tuple) else (step, good_command(snapshot, step))
        now += STEP
        procedure.check(snapshot, trigger, cmd, now)
        snapshot, _ = procedure.apply(snapshot, trigger, cmd, now)
    return snapshot


def run(kind: InspectionKind, *steps: Step, max_cycles: int = 2) -> InspectionSnapshot:
    """Start an inspection at ``T0`` and advance it by ``steps``."""
    snapshot, _ = procedure.start(start_input(kind, max_cycles), T0)
    return advance(snapshot, *steps)


T = Trigger
ON_SITE_PATH: dict[InspectionKind, tuple[Trigger, ...]] = {
    InspectionKind.PLANNED: (T.FORM_TEAM, T.SEND_NOTICE, T.START_VISIT),
    InspectionKind.SURPRISE: (T.FORM_TEAM, T.START_VISIT),
}
REINSPECTING_PATH = (
    T.RECORD_VISIT,
    T.CONCLUDE,
    T.ACKNOWLEDGE,
    T.REPORT_REMEDIATION,
    T.SCHEDULE_REINSPECTION,
)


EXTEND_2 = (
    T.REQUEST_EXTENSION,
    RequestExtensionInput(
        actor=UNIT_REP, finding_no=2, due_on=T0.date() + timedelta(days=365), reason="mua sắm"
    ),
)


def forced(snapshot: InspectionSnapshot, **update: object) -> InspectionSnapshot:
    """A copy with fields overwritten: for snapshots no command sequence produces."""
    return snapshot.model_copy(deep=True, update=update)


def reach(case: str, kind: InspectionKind) -> InspectionSnapshot:
    """The snapshot named by ``case``: a state, a variant of one (``visited_clean``,
    ``remediating+extension`` …), or ``suspended/<state>``."""
    if case.startswith("suspended/"):
        source = case.removeprefix("suspended/")
        if source == "unset":
            return forced(reach("on_site", kind), state=InspectionState.SUSPENDED)
        return advance(reach(source, kind), T.SUSPEND)
    on_site = ON_SITE_PATH[kind]
    paths: dict[str, tuple[Step, ...]] = {
        "decided": (),
        "team_formed": (T.FORM_TEAM,),
        "on_site": on_site,
        "visited": (*on_site, T.RECORD_VISIT),
        "visited_clean": (*on_site, (T.RECORD_VISIT, minutes(findings=False))),
        "findings_reported": (*on_site, T.RECORD_VISIT, T.REPORT_FINDINGS),
        "findings_reported_clean": (
            *on_site,
            (T.RECORD_VISIT, minutes(findings=False)),
            T.REPORT_FINDINGS,
        ),
        "remediation_requested": (*on_site, T.RECORD_VISIT, T.CONCLUDE),
        "disputed": (*on_site, T.RECORD_VISIT, T.CONCLUDE, T.DISPUTE),
        # Finding 2 waits for more time while finding 1 is disputed.
        "disputed+extension": (*on_site, T.RECORD_VISIT, T.CONCLUDE, EXTEND_2, T.DISPUTE),
        "remediation_requested+extension": (
            *on_site,
            *REINSPECTING_PATH[:2],
            T.REQUEST_EXTENSION,
        ),
        "remediating": (*on_site, *REINSPECTING_PATH[:3]),
        "remediating+extension": (*on_site, *REINSPECTING_PATH[:3], T.REQUEST_EXTENSION),
        "remediation_reported": (*on_site, *REINSPECTING_PATH[:4]),
        "reinspecting": (*on_site, *REINSPECTING_PATH),
        "closed": (*on_site, (T.RECORD_VISIT, minutes(findings=False)), T.CONCLUDE),
        "cancelled": (T.CANCEL,),
        "voided": (T.FORM_TEAM, T.VOID),
    }
    if case == "notified":
        if kind is InspectionKind.PLANNED:
            return run(kind, T.FORM_TEAM, T.SEND_NOTICE)
        # Unreachable for a surprise inspection; the machine must still answer for it.
        return forced(run(kind, T.FORM_TEAM), state=InspectionState.NOTIFIED)
    if case == "visited_unsigned":
        visited = run(kind, *paths["visited"])
        return forced(visited, visit=visited.visit.model_copy(update={"signed_by_unit": False}))
    return run(kind, *paths[case])
