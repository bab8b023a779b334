"""The work page's reads: the inspections that may hold a step for a person now and a
leader's overview (a unit's remediation items are ``store.remediations``').

Candidates are chosen in SQL — visible to the person (the list's own scope), open, in a
state where their party has a step, bounded per state — and only then does
``states.procedure.allowed_triggers`` say, on the loaded snapshots, what is theirs to do.
Nothing here decides who may act.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from sqlalchemy import Text, and_, case, cast, join, or_
from sqlmodel import Session, col, func, select

from states.machine import PARTY_ROLES, TRANSITIONS
from states.models import InspectionSnapshot
from states.scope import Viewer
from states.sides import OFFICE_ROLES
from states.triggers import TRIGGERS
from states.vocabulary import Role, Trigger
from store.scope import NOWHERE, scoped
from store.tables import (
    Event,
    Inspection,
    InspectionScope,
    SnapshotRecord,
)

# Possible at many steps but never the step an inspection waits for: ending, voiding or
# halting it, changing its team, a longer visit, a later due date. They do not make an
# inspection someone's work.
OPTIONAL_TRIGGERS = frozenset(
    {
        Trigger.CANCEL,
        Trigger.VOID,
        Trigger.SUSPEND,
        Trigger.CHANGE_TEAM,
        Trigger.EXTEND_VISIT,
        Trigger.REQUEST_EXTENSION,
    }
)
# Inspections read per state: the most urgent first, enough for any one person's desk.
PER_STATE = 12
REMEDIATION_ROWS = 200


def _extension_waiting(inspection_id: Any) -> Any:
    """More extension requests than decisions on them in the audit trail: one may wait.
    The SQL superset of ``states.machine.extension_pending`` (a request that lapsed has no
    decision), from the event index instead of the snapshot documents."""

    def count(trigger: Trigger) -> Any:
        return (
            select(func.count())
            .where(col(Event.inspection_id) == inspection_id, col(Event.trigger) == trigger.value)
            .scalar_subquery()
        )

    return count(Trigger.REQUEST_EXTENSION) > count(Trigger.DECIDE_EXTENSION)


# Steps that exist only while the snapshot holds something the read model's columns do not
# show, with a cheap SQL superset of their guard: a state where a role's only steps are
# these is a candidate only when one holds.
_GUARD_SUPERSETS: dict[Trigger, Callable[[Any], Any]] = {
    Trigger.DECIDE_EXTENSION: _extension_waiting,
}


def work_triggers(role: Role) -> frozenset[Trigger]:
    """The steps a person of ``role`` may be asked to take (where they stand aside)."""
    return frozenset(
        t
        for t, spec in TRIGGERS.items()
        if spec.path is not None and role in PARTY_ROLES[spec.party] and t not in OPTIONAL_TRIGGERS
    )


def steps_by_state(role: Role) -> dict[str, frozenset[Trigger]]:
    """The states with a transition on one of ``role``'s steps (guards aside), and those
    steps."""
    steps = {t.value: t for t in work_triggers(role)}
    found: dict[str, set[Trigger]] = {}
    for t in TRANSITIONS:
        if t["trigger"] in steps:
            found.setdefault(t["source"], set()).add(steps[t["trigger"]])
    return {state: frozenset(triggers) for state, triggers in found.items()}


def acting_states(role: Role) -> frozenset[str]:
    """The states where a person of ``role`` may have a step."""
    return frozenset(steps_by_state(role))


@dataclass(frozen=True)
class Candidates:
    snapshots: list[InspectionSnapshot]
    # Some step had more inspections waiting than are read: the list shows them all.
    more: bool


def work_candidates(session: Session, viewer: Viewer, per_state: int = PER_STATE) -> Candidates:
    """Snapshots of the inspections where ``viewer`` may have a step now: visible to them,
    in a state where their role acts, at most ``per_state`` per state, overdue and nearest
    deadline first. A superset: ``allowed_triggers`` decides on each."""
    states = steps_by_state(viewer.role)
    if not states:
        return Candidates([], more=False)
    s = scoped(viewer)
    plain = sorted(st for st, steps in states.items() if not steps <= set(_GUARD_SUPERSETS))
    in_state = [s.state.in_(plain)]
    for st, steps in sorted(states.items()):
        if steps <= set(_GUARD_SUPERSETS):
            supersets = (_GUARD_SUPERSETS[t](s.inspection_id) for t in steps)
            in_state.append(and_(s.state == st, or_(*supersets)))
    # The plain list of states as well as the per-state conditions: an index condition.
    where = [*s.where, s.state.in_(sorted(states)), or_(*in_state)]
    if viewer.role in OFFICE_ROLES and s.source is InspectionScope:
        # An office leads or signs only as the issuing organisation or the coordinating
        # office (states.sides.party_allows): every other row is no candidate.
        org = viewer.organisation_id or NOWHERE
        where.append(
            or_(col(InspectionScope.issuer_id) == org, col(InspectionScope.office_id) == org)
        )
    source: Any = s.source
    if s.source is not Inspection:
        source = join(s.source, Inspection, col(Inspection.id) == s.inspection_id)
    rank = (
        func.row_number()
        .over(
            partition_by=s.state,
            order_by=(
                s.overdue.desc(),
                col(Inspection.next_deadline).asc().nulls_last(),
                s.decided_at,
                s.inspection_id,
            ),
        )
        .label("rank")
    )
    ranked = (
        select(
            s.inspection_id.label("id"),
            col(Inspection.seq).label("seq"),
            col(Inspection.updated_at).label("updated_at"),
            rank,
        )
        .select_from(source)
        .where(*where)
        .subquery()
    )
    # One more than shown per state: whether a step has more waiting than the page reads.
    chosen = (
        select(ranked.c.id, ranked.c.seq, ranked.c.updated_at, ranked.c.rank)
        .where(ranked.c.rank <= per_state + 1)
        .subquery()
    )
    versions = session.exec(
        select(chosen.c.id, chosen.c.seq, chosen.c.updated_at, chosen.c.rank)
    ).all()
    shown = {(i, seq, str(at)) for i, seq, at, n in versions if n <= per_state}
    return Candidates(
        PARSED.snapshots(session, shown), more=any(n > per_state for *_, n in versions)
    )


class ParsedSnapshots:
    """Snapshots already parsed, by inspection and version (its ``seq`` and ``updated_at``,
    written with the snapshot in one transaction): a desk reloaded all day parses each
    inspection once per change, not once per visit. Bounded, least recently used out."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.found: OrderedDict[tuple[str, int, str], InspectionSnapshot] = OrderedDict()
        self.lock = Lock()

    def snapshots(
        self, session: Session, wanted: set[tuple[str, int, str]]
    ) -> list[InspectionSnapshot]:
        with self.lock:
            hits = {key: self.found[key] for key in wanted if key in self.found}
            for key in hits:
                self.found.move_to_end(key)
        missing = {key[0]: key for key in wanted if key not in hits}
        if missing:
            # The stored text, parsed by pydantic: a third of the cost of a dict's validation.
            rows = session.exec(
                select(
                    col(SnapshotRecord.inspection_id), cast(col(SnapshotRecord.snapshot), Text)
                ).where(col(SnapshotRecord.inspection_id).in_(sorted(missing)))
            ).all()
            parsed = {missing[i]: InspectionSnapshot.model_validate_json(d) for i, d in rows}
            with self.lock:
                self.found.update(parsed)
                while len(self.found) > self.size:
                    self.found.popitem(last=False)
            hits |= parsed
        return list(hits.values())


PARSED = ParsedSnapshots()


@dataclass(frozen=True)
class StateCount:
    state: str
    count: int
    overdue: int


def state_counts(session: Session, viewer: Viewer) -> list[StateCount]:
    """How many inspections ``viewer`` may see are in each state, and how many are overdue."""
    s = scoped(viewer)
    rows = session.exec(
        select(s.state, func.count(s.inspection_id), func.sum(case((s.overdue, 1), else_=0)))
        .where(*s.where)
        .group_by(s.state)
    ).all()
    return [StateCount(state=st, count=n, overdue=int(late or 0)) for st, n, late in rows]
