"""The closed vocabularies of the procedure: states, triggers, roles, kinds, statuses.

Values are stable lowercase strings: they are stored in workflow histories and in SQL.
"""

from enum import StrEnum


class InspectionState(StrEnum):
    """Where an inspection stands in its lifecycle (DESIGN.md §3)."""

    DECIDED = "decided"
    TEAM_FORMED = "team_formed"
    NOTIFIED = "notified"
    ON_SITE = "on_site"
    VISITED = "visited"
    # The team leader's findings report (BC) is with the decision-maker.
    FINDINGS_REPORTED = "findings_reported"
    REMEDIATION_REQUESTED = "remediation_requested"
    DISPUTED = "disputed"
    REMEDIATING = "remediating"
    REMEDIATION_REPORTED = "remediation_reported"
    REINSPECTING = "reinspecting"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    # Voided (hủy): entered by mistake, before any document but its decision was issued;
    # gone from lists, reports and counts. Termination (cancelled) is on the merits.
    VOIDED = "voided"


TERMINAL_STATES = frozenset(
    {InspectionState.CLOSED, InspectionState.CANCELLED, InspectionState.VOIDED}
)
OPEN_STATES = frozenset(
    s for s in InspectionState if s not in TERMINAL_STATES and s is not InspectionState.SUSPENDED
)
# Termination (đình chỉ) is possible only before the conclusion (Decree 217 Art. 7(2)(đ)).
CANCELLABLE_STATES = frozenset(
    {
        InspectionState.DECIDED,
        InspectionState.TEAM_FORMED,
        InspectionState.NOTIFIED,
        InspectionState.ON_SITE,
    }
)


# An inspection entered by mistake can be voided while its decision is the only document it
# has issued: before the notice (announced kinds) or the visit (unannounced ones).
VOIDABLE_STATES = frozenset({InspectionState.DECIDED, InspectionState.TEAM_FORMED})


class Trigger(StrEnum):
    """Commands; the same strings name the workflow updates."""

    FORM_TEAM = "form_team"
    SEND_NOTICE = "send_notice"
    START_VISIT = "start_visit"
    # A decision changes the team's members before the visit.
    CHANGE_TEAM = "change_team"
    RECORD_VISIT = "record_visit"
    REPORT_FINDINGS = "report_findings"
    CONCLUDE = "conclude"
    ACKNOWLEDGE = "acknowledge"
    DISPUTE = "dispute"
    RESOLVE_DISPUTE = "resolve_dispute"
    REPORT_REMEDIATION = "report_remediation"
    SCHEDULE_REINSPECTION = "schedule_reinspection"
    VERIFY = "verify"
    CANCEL = "cancel"
    VOID = "void"
    SUSPEND = "suspend"
    RESUME = "resume"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    EXTEND_VISIT = "extend_visit"
    # The system records what a verification re-inspection found about this inspection's
    # findings (sent by the re-inspection's workflow when it closes).
    RECORD_REINSPECTION = "record_reinspection"


class Role(StrEnum):
    """Account roles (DESIGN.md §7)."""

    ADMIN = "admin"
    COORDINATOR = "coordinator"
    DECISION_MAKER = "decision_maker"
    INSPECTOR = "inspector"
    UNIT_REP = "unit_rep"
    VIEWER = "viewer"
    SYSTEM = "system"


class Party(StrEnum):
    """Who may fire a trigger, by their place in the inspection (DOMAIN.md §4)."""

    LEADERSHIP = "leadership"  # coordinators and decision-makers of the issuing side
    SIGNER = "signer"  # a decision-maker of the issuing organisation
    TEAM = "team"  # inspector accounts on the team
    UNIT = "unit"  # unit representatives of the unit or its managing chain
    SYSTEM = "system"  # kiemtra itself (another inspection's workflow)


class Position(StrEnum):
    """Where a person's office stands relative to one inspection."""

    ISSUER = "issuer"  # the issuing organisation, whose head signs the decision
    OFFICE = "office"  # the coordinating office, where the coordinator who drafted it sits
    TEAM = "team"  # on the team (by account)
    UNIT = "unit"  # the inspected unit
    SUBTREE = "subtree"  # below the unit
    MANAGING_CHAIN = "managing_chain"  # the unit's ancestors strictly below the issuer
    ABOVE_ISSUER = "above_issuer"  # an ancestor of the issuing organisation
    LATERAL = "lateral"  # everyone else


ISSUING_POSITIONS = frozenset({Position.ISSUER, Position.OFFICE, Position.TEAM})
INSPECTED_POSITIONS = frozenset({Position.UNIT, Position.SUBTREE, Position.MANAGING_CHAIN})


class TeamRole(StrEnum):
    """Roles inside an inspection team (DOMAIN.md glossary)."""

    TEAM_LEADER = "team_leader"
    DEPUTY_LEADER = "deputy_leader"
    MEMBER = "member"
    SECRETARY = "secretary"


class InspectionKind(StrEnum):
    """Inspection kinds (DOMAIN.md §3)."""

    PLANNED = "planned"
    SURPRISE = "surprise"
    COMPLAINT = "complaint"
    THEMATIC = "thematic"
    SELF = "self"
    JOINT = "joint"
    REINSPECTION = "reinspection"


# Kinds announced ahead by a notice; the others go on site straight from team formation.
NOTICED_KINDS = frozenset(
    {
        InspectionKind.PLANNED,
        InspectionKind.THEMATIC,
        InspectionKind.JOINT,
        InspectionKind.REINSPECTION,
    }
)
# Kinds the inspected unit must not learn of before the team is on site.
SECRET_KINDS = frozenset({InspectionKind.SURPRISE, InspectionKind.COMPLAINT})


class CheckResult(StrEnum):
    """Result of one checklist criterion (DOMAIN.md §5)."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    PARTIAL = "partial"
    NOT_APPLICABLE = "not_applicable"


FINDING_RESULTS = frozenset({CheckResult.NON_COMPLIANT, CheckResult.PARTIAL})


class Severity(StrEnum):
    """How serious a finding is; drives the remediation time limit."""

    MINOR = "minor"
    MAJOR = "major"
    SERIOUS = "serious"


class FindingStatus(StrEnum):
    """Per-finding status (DESIGN.md §3)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISPUTED = "disputed"
    WITHDRAWN = "withdrawn"
    REPORTED = "reported"
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    REFERRED = "referred"


# A finding in one of these needs nothing more from the unit.
SETTLED_FINDING_STATUSES = frozenset(
    {FindingStatus.RESOLVED, FindingStatus.WITHDRAWN, FindingStatus.REFERRED}
)


class VerificationOutcome(StrEnum):
    """What a re-inspection concludes about one reported finding."""

    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"
    REFERRED = "referred"


class DisputeOutcome(StrEnum):
    """The decision-maker's answer to a contested finding."""

    UPHELD = "upheld"
    WITHDRAWN = "withdrawn"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    LAPSED = "lapsed"  # the item was reported or withdrawn before a decision


class RemediationStatus(StrEnum):
    """Status of one remediation item (one action + due date per finding and cycle)."""

    OPEN = "open"
    REPORTED = "reported"
    DONE = "done"
    NOT_DONE = "not_done"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    """Who a notification is for; the notify activity resolves people from accounts."""

    UNIT = "unit"  # unit_rep accounts of the inspected unit
    HEAD_OF_UNIT = "head_of_unit"  # decision_maker accounts of the inspected unit itself
    # The body that manages the unit (its parent organisation and the offices advising it):
    # a unit's self-inspection reports its result there.
    MANAGING_BODY = "managing_body"
    TEAM = "team"  # the inspection's team members
    COORDINATOR = "coordinator"  # the coordinator who started the inspection
    DECISION_MAKER = "decision_maker"  # decision-makers of the deciding organisation


class NoticeKind(StrEnum):
    """What a notification says (one template each, Vietnamese and English)."""

    NOTICE_ISSUED = "notice_issued"
    CONCLUSION_ISSUED = "conclusion_issued"
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_DECIDED = "extension_decided"
    DIGEST = "digest"
    SELF_INSPECTION_REPORTED = "self_inspection_reported"
    TEAM_CHANGED = "team_changed"  # to the new team and those who left it
    DISCIPLINE_DUE = "discipline_due"  # to the managing authority (issue 15 §4)
