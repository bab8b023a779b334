"""A unit's remediation items across all its inspections (``GET /remediations``).

The rows are those of the inspections the caller may see (``store.scope.scoped``, the
list's own scope): a unit's representative reads its own unit and subtree and never a
secret inspection; an issuing-side office reads its authority's. Each item carries what a
person needs to find it in the paper trail: the inspection, the conclusion's number and
date (the register's), the finding it remedies.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case
from sqlmodel import Session, col, func, select

from states.reports import RemediationEntry
from states.scope import Viewer
from states.vocabulary import RemediationStatus
from store.scope import scoped
from store.tables import Document, FindingRecord, Inspection, RemediationRecord

# The register's key of an inspection's conclusion notice ends so (states.paper).
CONCLUSION_KEY = "%:conclusion"


@dataclass(frozen=True)
class RemediationFilter:
    status: RemediationStatus | None = None
    # Items due strictly before this day.
    due_before: date | None = None
    # The unit's chain (root … unit): its subtree only.
    within: tuple[str, ...] = ()


def remediations(
    session: Session, viewer: Viewer, f: RemediationFilter, today: date, limit: int, offset: int
) -> tuple[list[RemediationEntry], int]:
    """One page of the items ``viewer`` may see matching ``f``, nearest due date first, and
    how many match. Overdue: still open and due before ``today``."""
    s = scoped(viewer, list(f.within) or None)
    visible = select(s.inspection_id).where(*s.where)
    r, i, fi = RemediationRecord, Inspection, FindingRecord
    where: list[Any] = [col(r.inspection_id).in_(visible)]
    if f.status is not None:
        where.append(col(r.status) == f.status.value)
    if f.due_before is not None:
        where.append(col(r.due_on) < f.due_before)
    total = session.exec(select(func.count()).select_from(r).where(*where)).one()
    overdue = and_(col(r.status) == RemediationStatus.OPEN.value, col(r.due_on) < today)
    rows = session.exec(
        select(r, i, fi)
        .join(i, col(i.id) == col(r.inspection_id))
        .join(
            fi, and_(col(fi.inspection_id) == col(r.inspection_id), col(fi.no) == col(r.finding_no))
        )
        .where(*where)
        .order_by(
            case((overdue, 0), else_=1),
            col(r.due_on),
            col(r.inspection_id),
            col(r.finding_no),
            col(r.cycle),
        )
        .limit(limit)
        .offset(offset)
    ).all()
    ids = sorted({item.inspection_id for item, *_ in rows})
    conclusions = {
        iid: (symbol, signed_on)
        for iid, symbol, signed_on in session.exec(
            select(
                col(Document.inspection_id), col(Document.symbol), col(Document.signed_on)
            ).where(col(Document.inspection_id).in_(ids), col(Document.key).like(CONCLUSION_KEY))
        ).all()
        if iid is not None
    }
    entries = []
    for item, inspection, finding in rows:
        number, signed_on = conclusions.get(item.inspection_id, ("", None))
        status = RemediationStatus(item.status)
        entries.append(
            RemediationEntry(
                inspection_id=item.inspection_id,
                title=inspection.title,
                unit_id=inspection.unit_id,
                unit_name=inspection.unit_name,
                decision_number=inspection.decision_number,
                conclusion_number=number,
                conclusion_date=signed_on,
                finding_no=item.finding_no,
                criterion=finding.criterion,
                description=finding.description,
                cycle=item.cycle,
                action=item.action,
                due_on=item.due_on,
                status=status,
                reported_on=item.reported_on,
                overdue=status is RemediationStatus.OPEN and item.due_on < today,
            )
        )
    return entries, int(total)
