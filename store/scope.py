"""Which inspections a viewer may see, in SQL: the twin of ``states.sides.may_see``.

Organisation-scoped roles read the scope index (``inspection_scope``): one key range per
subtree. Inspectors, whose scope is their teams, read the ``inspection`` rows themselves.
Either way the caller gets the same column names, so lists and reports are written once.
"""

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import false, or_
from sqlmodel import col, select

from states.scope import Viewer
from states.sides import READER_ROLES
from states.vocabulary import InspectionState, Role
from store.tables import Inspection, InspectionScope, TeamMemberRecord

NOWHERE = "\x00"  # an organisation id no row has: an empty scope


@dataclass(frozen=True)
class Scoped:
    """The inspections in a scope: uniform columns and the conditions that select them."""

    source: Any  # the table the columns belong to, for joins
    inspection_id: Any
    decided_at: Any
    kind: Any
    state: Any
    year: Any
    overdue: Any
    secret: Any
    unit_id: Any
    plan_item_id: Any
    issuer_id: Any
    where: tuple[Any, ...]


def _index(key: str, *where: Any) -> Scoped:
    s = InspectionScope
    return Scoped(
        s,
        col(s.inspection_id),
        col(s.decided_at),
        col(s.kind),
        col(s.state),
        col(s.year),
        col(s.overdue),
        col(s.secret),
        col(s.unit_id),
        col(s.plan_item_id),
        col(s.issuer_id),
        (col(s.organisation_id) == key, *where),
    )


def _rows(*where: Any) -> Scoped:
    i = Inspection
    return Scoped(
        i,
        col(i.id),
        col(i.decided_at),
        col(i.kind),
        col(i.state),
        col(i.year),
        col(i.overdue),
        col(i.secret),
        col(i.unit_id),
        col(i.plan_item_id),
        col(i.issuer_id),
        where,
    )


def scoped(viewer: Viewer, within: list[str] | None = None, *, voided: bool = False) -> Scoped:
    """The inspections ``viewer`` may see; ``within`` (root … organisation) narrows them to
    that organisation's subtree. Secret ones only for the issuing side, as ``may_see`` says.

    Voided ones (entered by mistake) are left out of every list, count and report unless
    ``voided`` asks for them; their pages stay reachable to whoever may see them."""
    s = _scoped(viewer, within)
    if voided:
        return s
    return replace(s, where=(*s.where, s.state != InspectionState.VOIDED.value))


def _scoped(viewer: Viewer, within: list[str] | None) -> Scoped:
    s = InspectionScope
    if viewer.role is Role.SYSTEM:
        return _index(within[-1]) if within else _rows()
    if viewer.role is Role.INSPECTOR:
        i = Inspection
        teams = select(TeamMemberRecord.inspection_id).where(
            TeamMemberRecord.user_id == viewer.user_id
        )
        where = [col(i.id).in_(teams)]
        if within:
            where.append(
                col(i.id).in_(select(s.inspection_id).where(s.organisation_id == within[-1]))
            )
        return _rows(*where)
    if viewer.role is Role.UNIT_REP and viewer.organisation_id:
        key, secret = viewer.organisation_id, ~col(s.secret)
    elif viewer.role in READER_ROLES and viewer.authority_root:
        key = viewer.authority_root
        org = viewer.organisation_id or NOWHERE
        secret = or_(~col(s.secret), col(s.issuer_id) == org, col(s.office_id) == org)
    else:
        return _index(NOWHERE, false())
    if within:
        key_chain = viewer.chain[: viewer.chain.index(key) + 1] if key in viewer.chain else [key]
        if key in within:
            key = within[-1]  # the organisation lies inside the scope: its subtree
        elif within[-1] not in key_chain:
            return _index(NOWHERE, false())  # unrelated: nothing in common
    return _index(key, secret)
