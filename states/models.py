"""Pydantic contracts shared by every layer: commands, the snapshot, events.

New fields always get defaults so that running workflows keep decoding their histories.
No default is computed from the clock or randomness: workflows replay these.
"""

from datetime import date, datetime
from typing import Any

from pydantic import Field, model_validator

from states.bounds import (
    CRITERIA_MAX,
    EVIDENCE_ITEMS_MAX,
    EXTENSIONS_MAX,
    FINDINGS_MAX,
    PEOPLE_MAX,
    TEAM_MAX,
    Chain,
    Code,
    Evidence,
    FindingNo,
    Id,
    LegalBasis,
    LongNote,
    Name,
    Note,
    Number,
    OrganisationName,
    Reason,
    Report,
    Title,
)
from states.calendar import WorkingCalendar
from states.contract import Contract
from states.policies import DeadlinePolicy, UnitLevel
from states.vocabulary import (
    Audience,
    CheckResult,
    DisputeOutcome,
    ExtensionStatus,
    FindingStatus,
    InspectionKind,
    InspectionState,
    NoticeKind,
    RemediationStatus,
    Role,
    Severity,
    TeamRole,
    VerificationOutcome,
)


class Actor(Contract):
    """Who fires a command; the API fills it from the authenticated user."""

    user_id: Id
    name: Name = ""
    role: Role
    organisation_id: Id | None = None
    # Root … own organisation: which side of an inspection the actor stands on.
    chain: Chain = Field(default_factory=list)
    # Where the command came from, for the audit trail.
    source_ip: Name = ""
    request_id: Name = ""


class Decision(Contract):
    """The inspection decision (quyết định kiểm tra)."""

    number: Number = Field(default="", description="e.g. 94/QĐ-UBND")
    signed_on: date | None = None
    signer: Name = ""
    issuer_id: Id | None = None


class TeamMember(Contract):
    # None: a person without an account (seconded from another office, as a standing team's
    # members often are). The documents name them; only account holders act in kiemtra.
    user_id: Id | None = None
    name: Name
    team_role: TeamRole = TeamRole.MEMBER
    # The account's role: only inspector accounts serve on a team.
    role: Role = Role.INSPECTOR
    organisation_id: Id | None = None
    # Ancestry of the member's organisation, root first: conflict-of-interest checks need it.
    organisation_path: Chain = Field(default_factory=list)
    # As the documents name them: position (chức vụ) and office.
    position: Name = ""
    organisation_name: OrganisationName = ""

    @property
    def has_account(self) -> bool:
        return self.user_id is not None


class ScopedFinding(Contract):
    """An earlier open finding a re-inspection is limited to."""

    criterion: Code
    description: Note = ""
    # The earlier inspection's finding this entry re-checks.
    finding_no: int | None = None


# Commands. Every command carries its actor; the trigger is the update's name.


class Command(Contract):
    actor: Actor
    # Set by kiemtra's own callers (the API, the seeder), which write the command's record
    # themselves once Temporal has committed it; the workflow then catches up later instead
    # of writing it before it answers. Never part of what the command says.
    caller_records: bool = False

    def dated(self) -> date | None:
        """The business date of the document or act (None: the day it is entered)."""
        return None


class Signed(Command):
    """A command that is a document: dated by its signature."""

    signed_on: date | None = Field(
        default=None, description="the date the document was signed; today when omitted"
    )

    def dated(self) -> date | None:
        return self.signed_on


class Held(Command):
    """A command that is an act on site: dated by the day it took place."""

    held_on: date | None = Field(
        default=None, description="the day it took place; today when omitted"
    )

    def dated(self) -> date | None:
        return self.held_on


# What a command's event records of it: everything it says, without who sent it (the
# event's actor) or how its record is written.
NOT_RECORDED = frozenset({"actor", "caller_records"})


class StartInspectionInput(Contract):
    """Everything a workflow needs to exist: the decision and its context."""

    inspection_id: Id
    kind: InspectionKind
    unit_id: Id
    unit_name: OrganisationName = ""
    # Ancestry of the inspected unit, root first (scoping and conflict of interest).
    unit_path: Chain = Field(default_factory=list)
    title: Title
    legal_basis: LegalBasis = ""
    checklist: list[Code] = Field(
        default_factory=list, max_length=CRITERIA_MAX, description="criterion codes in scope"
    )
    # The catalogue version the checklist is from (0: the built-in one, histories before it).
    checklist_version: int = Field(default=0, ge=0)
    decision: Decision = Field(default_factory=Decision)
    plan_item_id: Id | None = None
    # The plan's surprise-check slot it fills (a surprise inspection names no plan item).
    plan_slot_id: Id | None = None
    parent_inspection_id: Id | None = None
    scope: list[ScopedFinding] = Field(default_factory=list, max_length=FINDINGS_MAX)
    remote: bool = False
    unit_level: UnitLevel = UnitLevel.COMMUNE
    # The issuing organisation is ``decision.issuer_id``; its ancestry (root first) and the
    # coordinating office fix the two sides of the inspection (states.sides).
    issuer_path: Chain = Field(default_factory=list)
    office_id: Id | None = None
    # Policy and calendar travel in the input so that history records the values used.
    policy: DeadlinePolicy = Field(default_factory=DeadlinePolicy)
    calendar: WorkingCalendar = Field(default_factory=WorkingCalendar)
    actor: Actor
    decided_at: datetime | None = None
    # Set when the workflow continues as new: the inspection goes on from this snapshot.
    resume_from: "InspectionSnapshot | None" = None
    # As ``Command.caller_records``, for the decision: the API records it itself.
    caller_records: bool = False
    # The findings report (BC) is a step of its own (False: histories from before it).
    findings_report_step: bool = False
    # A self-inspection reports its result to the unit's managing body when it closes
    # (False: histories from before self-inspections did).
    reports_upward: bool = False

    @model_validator(mode="after")
    def _reinspection_needs_scope(self) -> "StartInspectionInput":
        if self.kind is InspectionKind.REINSPECTION and not (
            self.parent_inspection_id and self.scope
        ):
            raise ValueError("a reinspection names its earlier inspection and open findings")
        return self


class FormTeamInput(Signed):
    members: list[TeamMember] = Field(max_length=TEAM_MAX)
    # The standing team (tổ kiểm tra thường trực) the team was formed from, and its decision.
    standing_team_id: Id | None = None
    standing_team_decision: Number = ""


class ChangeTeamInput(Signed):
    """The decision changing the team's members before the visit (quyết định thay đổi
    thành viên đoàn kiểm tra): the whole new team, its number and why."""

    members: list[TeamMember] = Field(max_length=TEAM_MAX)
    number: Number = Field(default="", description="the decision's number, e.g. 97/QĐ-UBND")
    reason: Reason


class SendNoticeInput(Signed):
    number: Number = ""
    visit_planned_on: date | None = None
    note: Note = ""


class StartVisitInput(Held):
    note: Note = ""


class ChecklistResult(Contract):
    criterion: Code
    result: CheckResult
    note: Note = ""
    severity: Severity = Severity.MINOR
    evidence: list[Evidence] = Field(default_factory=list, max_length=EVIDENCE_ITEMS_MAX)
    people: list[Name] = Field(default_factory=list, max_length=PEOPLE_MAX)
    # A finding outside the standard checklist (criterion KHAC-01 …, states.checklist): what
    # it is, and the checklist group it belongs to or "other".
    description: Note = ""
    category: Code = ""


class Attendee(Contract):
    """A person present at the visit, as the minutes name them."""

    name: Name = Field(min_length=1)
    position: Name = ""


class RecordVisitInput(Held):
    """The minutes (biên bản kiểm tra) of the on-site visit."""

    number: Number = Field(default="", description="the minutes' number, e.g. 03/BB-ĐKT")
    place: Name = Field(default="", description="where the minutes were made")
    results: list[ChecklistResult] = Field(max_length=CRITERIA_MAX)
    team_present: list[Attendee] = Field(default_factory=list, max_length=TEAM_MAX)
    unit_present: list[Attendee] = Field(default_factory=list, max_length=PEOPLE_MAX)
    signed_by_leader: bool = True
    leader_name: Name = Field(default="", description="the team leader who signs")
    signed_by_unit: bool = True
    witness: Name = Field(default="", description="signs when the unit refuses (Art. 15(3))")
    unit_explanation: LongNote = ""


class RemediationOrder(Contract):
    """One action and due date per finding in the remediation request."""

    finding_no: FindingNo
    action: Note = ""
    due_on: date | None = None
    discipline_recommended: list[Name] = Field(default_factory=list, max_length=PEOPLE_MAX)


class ReportFindingsInput(Signed):
    """The team leader's findings report (báo cáo kết quả kiểm tra) to the decision-maker."""

    number: Number = Field(default="", description="the report's number, e.g. 05/BC-ĐKT")
    summary: LongNote = ""
    proposals: LongNote = Field(default="", description="what the team proposes to conclude")


class ConcludeInput(Signed):
    number: Number = Field(default="", description="conclusion notice number, e.g. 210/TB-UBND")
    summary: LongNote = ""
    orders: list[RemediationOrder] = Field(default_factory=list, max_length=FINDINGS_MAX)


class AcknowledgeInput(Signed):
    note: Note = ""


class DisputeInput(Signed):
    finding_nos: list[FindingNo] = Field(min_length=1, max_length=FINDINGS_MAX)
    explanation: Report


class DisputeDecision(Contract):
    finding_no: FindingNo
    outcome: DisputeOutcome
    note: Note = ""


class ResolveDisputeInput(Signed):
    decisions: list[DisputeDecision] = Field(min_length=1, max_length=FINDINGS_MAX)
    unit_accepted: bool = Field(
        default=False, description="the unit accepted the upheld findings at the resolution"
    )


class RemediationReportItem(Contract):
    finding_no: FindingNo
    report: Report
    evidence: list[Evidence] = Field(default_factory=list, max_length=EVIDENCE_ITEMS_MAX)


class ReportRemediationInput(Signed):
    items: list[RemediationReportItem] = Field(min_length=1, max_length=FINDINGS_MAX)


class ScheduleReinspectionInput(Signed):
    planned_on: date | None = None
    number: Number = ""
    note: Note = ""


class Verification(Contract):
    finding_no: FindingNo
    outcome: VerificationOutcome
    note: Note = ""


class VerifyInput(Held):
    results: list[Verification] = Field(min_length=1, max_length=FINDINGS_MAX)
    next_due_on: date | None = None


class ReasonInput(Signed):
    reason: Reason


class CancelInput(ReasonInput):
    pass


class VoidInput(ReasonInput):
    """Voids (hủy) an inspection entered by mistake; the reason is kept with its record."""


class SuspendInput(ReasonInput):
    pass


class ResumeInput(Signed):
    note: Note = ""


class RequestExtensionInput(Signed):
    """The unit asks for a new due date for one remediation item (gia hạn)."""

    finding_no: FindingNo
    due_on: date
    reason: Reason


class ExtendVisitInput(Signed):
    """The decision-maker extends the on-site check once (gia hạn thời hạn kiểm tra)."""

    reason: Reason


class DecideExtensionInput(Signed):
    n: int = Field(ge=1, le=EXTENSIONS_MAX, description="the request's number")
    grant: bool
    note: Note = ""


class RecordReinspectionInput(Command):
    """What a verification re-inspection found about this inspection's findings."""

    reinspection_id: Id
    results: list[Verification] = Field(min_length=1, max_length=FINDINGS_MAX)


# The snapshot.


class Finding(Contract):
    no: int
    criterion: str
    description: str = ""
    severity: Severity = Severity.MINOR
    status: FindingStatus = FindingStatus.OPEN
    people: list[str] = Field(default_factory=list)
    discipline_recommended: list[str] = Field(default_factory=list)
    cycle: int = 1
    # The checklist group (WH, ID …) or "other"; empty on findings from before it was kept.
    category: str = ""


class RemediationItem(Contract):
    finding_no: int
    cycle: int
    action: str = ""
    due_on: date
    status: RemediationStatus = RemediationStatus.OPEN
    report: str = ""
    evidence: list[str] = Field(default_factory=list)
    reported_by: str | None = None
    reported_at: datetime | None = None
    due_set_at: datetime | None = Field(default=None, description="when due_on was last set")


class ExtensionRequest(Contract):
    n: int
    finding_no: int
    cycle: int
    due_on: date
    previous_due_on: date
    reason: str
    requested_by: str
    requested_at: datetime
    status: ExtensionStatus = ExtensionStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""


class Visit(Contract):
    started_at: datetime | None = None
    ended_at: datetime | None = None
    results: list[ChecklistResult] = Field(default_factory=list)
    signed_by_leader: bool = False
    signed_by_unit: bool = False
    witness: str = ""
    unit_explanation: str = ""
    number: str = ""
    place: str = ""
    leader_name: str = ""
    team_present: list[Attendee] = Field(default_factory=list)
    unit_present: list[Attendee] = Field(default_factory=list)

    @property
    def minutes_signed(self) -> bool:
        """Signed by the leader and by the unit, or by a witness when the unit refused."""
        return self.signed_by_leader and (self.signed_by_unit or bool(self.witness))


class HistoryEntry(Contract):
    seq: int
    trigger: str
    from_state: InspectionState | None
    to_state: InspectionState
    actor_id: str
    actor_role: Role
    at: datetime
    # The business date of the step (its document's or act's date); None: the day of ``at``.
    on: date | None = None


class InspectionSnapshot(Contract):
    """The whole state of one inspection, as the workflow holds it and queries return it."""

    inspection_id: str
    kind: InspectionKind
    unit_id: str
    unit_name: str = ""
    unit_path: list[str] = Field(default_factory=list)
    title: str
    legal_basis: str = ""
    checklist: list[str] = Field(default_factory=list)
    checklist_version: int = 0
    decision: Decision = Field(default_factory=Decision)
    plan_item_id: str | None = None
    plan_slot_id: str | None = None
    parent_inspection_id: str | None = None
    scope: list[ScopedFinding] = Field(default_factory=list)
    remote: bool = False
    unit_level: UnitLevel = UnitLevel.COMMUNE
    issuer_path: list[str] = Field(default_factory=list)
    office_id: str | None = None
    policy: DeadlinePolicy = Field(default_factory=DeadlinePolicy)
    coordinator_id: str = ""
    state: InspectionState = InspectionState.DECIDED
    suspended_from: InspectionState | None = None
    cycle: int = 1
    team: list[TeamMember] = Field(default_factory=list)
    standing_team_id: str | None = None
    standing_team_decision: str = ""
    notice_number: str = ""
    notice_sent_at: datetime | None = None
    visit_planned_on: date | None = None
    visit: Visit = Field(default_factory=Visit)
    # Inspections started since the findings report became a step take it between the
    # visit and the conclusion; older ones (False in their input) may conclude directly.
    findings_report_step: bool = False
    reports_upward: bool = False
    findings_reported_at: datetime | None = None
    findings_report_number: str = ""
    conclusion_number: str = ""
    concluded_at: datetime | None = None
    concluded_by: str = Field(default="", description="the decision-maker who signed it")
    findings: list[Finding] = Field(default_factory=list)
    remediation: list[RemediationItem] = Field(default_factory=list)
    requested_at: datetime | None = Field(default=None, description="this cycle's request")
    extensions: list[ExtensionRequest] = Field(default_factory=list)
    on_site_extended: bool = False
    reinspection_planned_on: date | None = None
    reason: str = ""
    decided_at: datetime
    updated_at: datetime
    seq: int = 0
    history: list[HistoryEntry] = Field(default_factory=list)
    # Deadline status, kept current by the workflow's agenda.
    next_deadline: datetime | None = None
    overdue: bool = False
    sent: list[str] = Field(default_factory=list, description="agenda items already sent")

    def team_user_ids(self) -> set[str]:
        """The accounts on the team (members without an account never act)."""
        return {m.user_id for m in self.team if m.user_id is not None}

    def finding(self, no: int) -> Finding | None:
        return next((f for f in self.findings if f.no == no), None)

    def current_items(self) -> list[RemediationItem]:
        return [r for r in self.remediation if r.cycle == self.cycle]

    def cycle_started(self, before: "InspectionSnapshot") -> bool:
        """A remediation request was just issued: a conclusion or a new cycle."""
        return self.requested_at is not None and self.requested_at != before.requested_at


StartInspectionInput.model_rebuild()
RecordReinspectionInput.model_rebuild()


class TransitionEvent(Contract):
    """One accepted command, as projected into the append-only event table."""

    inspection_id: str
    seq: int
    trigger: str
    from_state: InspectionState | None
    to_state: InspectionState
    actor: Actor
    at: datetime
    payload: dict[str, Any] = Field(default_factory=dict)


class RecordTransitionInput(Contract):
    """Projection input: the event (none for a deadline status change) and the snapshot."""

    event: TransitionEvent | None
    snapshot: InspectionSnapshot


# The snapshot's collections the read model keeps in tables of their own.
COLLECTIONS = ("team", "findings", "remediation")


class RecordInput(Contract):
    """What committed changes leave behind, written in one transaction: their events (none
    for a deadline status change), the read model at ``snapshot`` and the notifications.

    ``changed`` names the collections (``COLLECTIONS``) that differ from the snapshot the
    workflow last recorded; the others' rows are left as they are. None: rewrite them all."""

    events: list[TransitionEvent] = Field(default_factory=list)
    snapshot: InspectionSnapshot
    notices: list["NotifyInput"] = Field(default_factory=list)
    changed: list[str] | None = None


def changed_collections(before: InspectionSnapshot, after: InspectionSnapshot) -> list[str]:
    """The collections of ``COLLECTIONS`` that differ between two snapshots."""
    return [name for name in COLLECTIONS if getattr(before, name) != getattr(after, name)]


class NotifyInput(Contract):
    """One notification to an audience; its idempotency key is per recipient:
    ``(inspection_id, kind, deadline, recipient)``."""

    inspection_id: str
    kind: NoticeKind
    deadline: str = Field(default="", description="deadline key, e.g. remediation:2:1")
    audiences: list[Audience]
    unit_id: str
    team_user_ids: list[str] = Field(default_factory=list)
    coordinator_id: str = ""
    decision_issuer_id: str | None = None
    office_id: str | None = None
    # Secret kinds before the team is on site: only the issuing side hears of them.
    secret_from_unit: bool = False
    payload: dict[str, Any] = Field(default_factory=dict)


class DigestInput(Contract):
    """The daily digest; ``on`` defaults to the workflow's own today (Vietnam time)."""

    on: date | None = None


class DigestDay(Contract):
    on: date
    working: bool
    horizon: date = Field(description="the last day of 'due soon' (3 working days ahead)")


class DigestResult(Contract):
    on: date
    working: bool
    digests: int = 0
    reconciled: int = 0
    calendar_reached: int = 0


RecordInput.model_rebuild()
