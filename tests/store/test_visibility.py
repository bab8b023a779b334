"""One rule decides who sees an inspection: the pure ``states.sides.may_see``, its SQL twin
behind lists and counts (``store.scope``), and the detail's one-query lookup always agree.

Hypothesis draws organisation trees, accounts of every role in every organisation, and
inspections with any unit, issuing organisation, coordinating office, team, kind and
visit; each account's list, its detail answers and the pure rule must name the same set.
"""

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, create_engine, select

from states.models import Decision, InspectionSnapshot, TeamMember, Visit
from states.sides import may_see
from states.vocabulary import InspectionKind, Role
from store.projection import project
from store.queries import InspectionFilter, list_inspections, viewer_of, visible_snapshot
from store.tables import Organisation, User

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
LEVELS = ["commune", "ward", "department", "office", "school"]
ROLES = [Role.COORDINATOR, Role.DECISION_MAKER, Role.VIEWER, Role.INSPECTOR, Role.UNIT_REP]
KINDS = [InspectionKind.PLANNED, InspectionKind.SURPRISE, InspectionKind.COMPLAINT]


@st.composite
def trees(draw: st.DrawFn) -> list[tuple[str, str | None, str]]:
    """(id, parent, level), parents first: a province and up to eight organisations."""
    nodes: list[tuple[str, str | None, str]] = [("o0", None, "province")]
    for n in range(1, draw(st.integers(2, 9))):
        parent = draw(st.sampled_from([oid for oid, _, _ in nodes]))
        nodes.append((f"o{n}", parent, draw(st.sampled_from(LEVELS))))
    return nodes


def chain_of(tree: list[tuple[str, str | None, str]], oid: str) -> list[str]:
    parents = {o: p for o, p, _ in tree}
    chain = [oid]
    while parents[chain[0]] is not None:
        chain.insert(0, parents[chain[0]] or "")
    return chain


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[tuple[str, str | None, str]], list[InspectionSnapshot]]:
    tree = draw(trees())
    ids = [oid for oid, _, _ in tree]
    inspectors = [f"{Role.INSPECTOR.value}@{oid}" for oid in ids]
    inspections = []
    for n in range(draw(st.integers(1, 6))):
        unit = draw(st.sampled_from(ids))
        issuer = draw(st.sampled_from(ids))
        team = draw(st.lists(st.sampled_from(inspectors), unique=True, max_size=3))
        visited = draw(st.booleans())
        inspections.append(
            InspectionSnapshot(
                inspection_id=f"i{n}",
                kind=draw(st.sampled_from(KINDS)),
                unit_id=unit,
                unit_path=chain_of(tree, unit)[:-1],
                title=f"Kiểm tra {n}",
                decision=Decision(issuer_id=issuer),
                issuer_path=chain_of(tree, issuer)[:-1],
                office_id=draw(st.sampled_from(ids)),
                team=[TeamMember(user_id=u, name=u) for u in team],
                visit=Visit(started_at=NOW if visited else None),
                decided_at=NOW,
                updated_at=NOW,
            )
        )
    return tree, inspections


def database(
    tree: list[tuple[str, str | None, str]], inspections: list[InspectionSnapshot]
) -> Engine:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        for oid, parent, level in tree:
            session.add(Organisation(id=oid, code=oid, name=oid, level=level, parent_id=parent))
            session.commit()
        for oid, _, _ in tree:
            for role in ROLES:
                name = f"{role.value}@{oid}"
                session.add(
                    User(id=name, username=name, password_hash="-", role=role, organisation_id=oid)
                )
        session.commit()
    for snapshot in inspections:
        project(engine, snapshot)
    return engine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_list_detail_and_rule_agree(
    world: tuple[list[tuple[str, str | None, str]], list[InspectionSnapshot]],
) -> None:
    tree, inspections = world
    engine = database(tree, inspections)
    try:
        with Session(engine) as session:
            for user in session.exec(select(User)).all():
                viewer = viewer_of(session, user)
                rule = {s.inspection_id for s in inspections if may_see(viewer, s)}
                rows, count = list_inspections(session, InspectionFilter(), viewer, 500, 0)
                listed = {r.id for r in rows}
                detail = {
                    s.inspection_id
                    for s in inspections
                    if visible_snapshot(session, viewer, s.inspection_id) is not None
                }
                assert listed == detail == rule, (user.username, listed, detail, rule)
                assert count == len(listed)
    finally:
        engine.dispose()
