"""A verification re-inspection (tái kiểm tra) and the inspection whose findings it re-checks.

A re-inspection is an inspection of its own (new decision, team, minutes), scoped to the
earlier inspection's open findings. When it closes, what it found settles those findings:
a criterion found compliant, or a finding of its own resolved or withdrawn, resolves the
earlier finding; one referred to discipline refers it; anything else leaves it with the unit.
"""

from states.machine import finding_is_active
from states.models import (
    Actor,
    InspectionSnapshot,
    RecordReinspectionInput,
    ScopedFinding,
    Verification,
)
from states.vocabulary import FindingStatus, Role, VerificationOutcome

SYSTEM_ACTOR = Actor(user_id="system", name="kiemtra", role=Role.SYSTEM)

_OUTCOME_OF_OWN_FINDING = {
    FindingStatus.RESOLVED: VerificationOutcome.RESOLVED,
    FindingStatus.WITHDRAWN: VerificationOutcome.RESOLVED,
    FindingStatus.REFERRED: VerificationOutcome.REFERRED,
}


def scope_of(parent: InspectionSnapshot) -> list[ScopedFinding]:
    """The parent's findings a re-inspection re-checks: every one still open."""
    return [
        ScopedFinding(criterion=f.criterion, description=f.description, finding_no=f.no)
        for f in parent.findings
        if finding_is_active(f.status)
    ]


def _outcome(r: InspectionSnapshot, scoped: ScopedFinding) -> VerificationOutcome:
    own = next((f for f in r.findings if f.criterion == scoped.criterion), None)
    if own is not None:
        return _OUTCOME_OF_OWN_FINDING.get(own.status, VerificationOutcome.UNRESOLVED)
    if any(res.criterion == scoped.criterion for res in r.visit.results):
        return VerificationOutcome.RESOLVED  # checked and found in order
    return VerificationOutcome.UNRESOLVED  # not checked: the earlier finding stays open


def results_for_parent(r: InspectionSnapshot) -> RecordReinspectionInput | None:
    """What closed re-inspection ``r`` settles in its parent; None when it settles nothing."""
    results = [
        Verification(finding_no=scoped.finding_no, outcome=_outcome(r, scoped))
        for scoped in r.scope
        if scoped.finding_no is not None
    ]
    if all(v.outcome is VerificationOutcome.UNRESOLVED for v in results):
        return None
    return RecordReinspectionInput(
        actor=SYSTEM_ACTOR, reinspection_id=r.inspection_id, results=results
    )
