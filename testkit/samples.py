"""Builders shared by the workflow, store and API tests: people, units, commands."""

import uuid
from datetime import UTC, date, datetime

from states.models import (
    AcknowledgeInput,
    Actor,
    ChecklistResult,
    ConcludeInput,
    Decision,
    FormTeamInput,
    RecordVisitInput,
    RemediationReportItem,
    ReportFindingsInput,
    ReportRemediationInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    StartInspectionInput,
    StartVisitInput,
    TeamMember,
    Verification,
    VerifyInput,
)
from states.vocabulary import (
    CheckResult,
    InspectionKind,
    Role,
    TeamRole,
    VerificationOutcome,
)

DECIDED_AT = datetime(2025, 3, 5, 2, 0, tzinfo=UTC)

PROVINCE = "org-province"
HOME_AFFAIRS = "org-snv"
COMMUNE = "org-commune-an-phu"
SCHOOL = "org-school-an-phu-1"
JUSTICE = "org-justice"
# The organisations above as rows for ``testkit.people.add_people``, parents first.
ORGANISATION_ROWS: list[tuple[str, str, str, str, str | None]] = [
    (PROVINCE, "P", "UBND tỉnh", "province", None),
    (HOME_AFFAIRS, "SNV", "Sở Nội vụ", "department", PROVINCE),
    (JUSTICE, "STP", "Sở Tư pháp", "department", PROVINCE),
    (COMMUNE, "X", "UBND xã An Phú", "commune", PROVINCE),
]

# Actors carry their organisation chain (root … own organisation), as the API fills it in.
COORDINATOR = Actor(
    user_id="u-coord",
    name="Nguyễn Thị Lan",
    role=Role.COORDINATOR,
    organisation_id=HOME_AFFAIRS,
    chain=[PROVINCE, HOME_AFFAIRS],
)
DECISION_MAKER = Actor(
    user_id="u-chair",
    name="Trần Văn Hùng",
    role=Role.DECISION_MAKER,
    organisation_id=PROVINCE,
    chain=[PROVINCE],
)
LEADER = Actor(
    user_id="u-leader",
    name="Lê Minh Tuấn",
    role=Role.INSPECTOR,
    organisation_id=HOME_AFFAIRS,
    chain=[PROVINCE, HOME_AFFAIRS],
)
MEMBER = Actor(
    user_id="u-member",
    name="Phạm Thu Hà",
    role=Role.INSPECTOR,
    organisation_id=JUSTICE,
    chain=[PROVINCE, JUSTICE],
)
UNIT_REP = Actor(
    user_id="u-unit",
    name="Võ Văn Bình",
    role=Role.UNIT_REP,
    organisation_id=COMMUNE,
    chain=[PROVINCE, COMMUNE],
)

TEAM = [
    TeamMember(
        user_id=LEADER.user_id,
        name=LEADER.name,
        team_role=TeamRole.TEAM_LEADER,
        organisation_id=HOME_AFFAIRS,
        organisation_path=[PROVINCE, HOME_AFFAIRS],
    ),
    TeamMember(
        user_id=MEMBER.user_id,
        name=MEMBER.name,
        team_role=TeamRole.MEMBER,
        organisation_id=JUSTICE,
        organisation_path=[PROVINCE, JUSTICE],
    ),
]


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def start_input(
    kind: InspectionKind = InspectionKind.PLANNED, inspection_id: str | None = None
) -> StartInspectionInput:
    return StartInspectionInput(
        inspection_id=inspection_id or new_id(),
        kind=kind,
        unit_id=COMMUNE,
        unit_name="UBND xã An Phú",
        unit_path=[PROVINCE],
        title="Kiểm tra công vụ tại UBND xã An Phú",
        legal_basis="Kế hoạch 207/KH-UBND",
        # Decided by the province's People's Committee, coordinated by Home Affairs.
        decision=Decision(number="94/QĐ-UBND", signer=DECISION_MAKER.name, issuer_id=PROVINCE),
        issuer_path=[],
        office_id=HOME_AFFAIRS,
        actor=COORDINATOR,
    )


def form_team() -> FormTeamInput:
    return FormTeamInput(actor=COORDINATOR, members=TEAM)


def send_notice() -> SendNoticeInput:
    return SendNoticeInput(actor=COORDINATOR, number="12/TB-SNV")


def start_visit() -> StartVisitInput:
    return StartVisitInput(actor=LEADER)


def record_visit(findings: int = 2) -> RecordVisitInput:
    """Minutes with ``findings`` shortcomings (late arrival, no badge, …) and one pass."""
    failing = ["WH-01", "ID-01", "IR-02", "OS-01"][:findings]
    results = [
        ChecklistResult(criterion=code, result=CheckResult.NON_COMPLIANT, note=f"vi phạm {code}")
        for code in failing
    ]
    results.append(ChecklistResult(criterion="CD-01", result=CheckResult.COMPLIANT))
    return RecordVisitInput(actor=LEADER, results=results)


def report_findings() -> ReportFindingsInput:
    return ReportFindingsInput(actor=LEADER, summary="hai nội dung chưa đạt")


def conclude() -> ConcludeInput:
    return ConcludeInput(actor=DECISION_MAKER, number="210/TB-UBND")


def acknowledge() -> AcknowledgeInput:
    return AcknowledgeInput(actor=UNIT_REP)


def report(nos: list[int]) -> ReportRemediationInput:
    return ReportRemediationInput(
        actor=UNIT_REP,
        items=[RemediationReportItem(finding_no=n, report="đã khắc phục") for n in nos],
    )


def schedule() -> ScheduleReinspectionInput:
    return ScheduleReinspectionInput(actor=COORDINATOR, planned_on=date(2099, 1, 5))


def verify(outcomes: dict[int, VerificationOutcome]) -> VerifyInput:
    return VerifyInput(
        actor=LEADER,
        results=[Verification(finding_no=n, outcome=o) for n, o in outcomes.items()],
    )
