"""What the notification of an extension decision has to say, read from the records.

The workflow announces a decision with the inspection's general payload (title, unit,
decision number) under the deadline key ``decide_extension:<seq>``. Which request was
decided, and how, is in the records by then: the command's event (projected before the
announcement) names the request, and the snapshot holds its status, dates and note.
"""

from typing import Any

from sqlmodel import Session

from states.models import ExtensionRequest, InspectionSnapshot
from states.vocabulary import ExtensionStatus, Trigger
from store.queries import events_of, snapshot_of

DECIDED = (ExtensionStatus.GRANTED, ExtensionStatus.REFUSED)


def decision_payload(session: Session, inspection_id: str, deadline: str) -> dict[str, Any]:
    """``outcome`` (granted | refused), ``due_on`` (the new due date, or the one that stays),
    ``note``, ``finding_no``, ``criterion``; empty when the records hold no decision."""
    snapshot = snapshot_of(session, inspection_id)
    if snapshot is None:
        return {}
    request = _decided(session, snapshot, deadline)
    if request is None:
        return {}
    granted = request.status is ExtensionStatus.GRANTED
    finding = snapshot.finding(request.finding_no)
    return {
        "outcome": request.status.value,
        "due_on": (request.due_on if granted else request.previous_due_on).isoformat(),
        "note": request.note,
        "finding_no": request.finding_no,
        "criterion": finding.criterion if finding else "",
        "deadline_kind": "remediation",
    }


def _decided(
    session: Session, snapshot: InspectionSnapshot, deadline: str
) -> ExtensionRequest | None:
    """The request the command at ``seq`` decided; failing that, the latest decided one."""
    decided = [e for e in snapshot.extensions if e.status in DECIDED]
    trigger, _, seq = deadline.partition(":")
    if trigger == Trigger.DECIDE_EXTENSION.value and seq.isdigit():
        event = next(
            (e for e in events_of(session, snapshot.inspection_id) if e.seq == int(seq)), None
        )
        n = event.payload.get("n") if event is not None else None
        found = next((e for e in decided if e.n == n), None)
        if found is not None:
            return found
    return max(decided, key=lambda e: e.decided_at or e.requested_at, default=None)
