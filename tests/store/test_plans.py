"""Plan scope in SQL on SQLite and PostgreSQL: an organisation id is matched as text, never
as a LIKE pattern."""

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from states.models import Actor
from states.plans import parse_period
from states.scope import Viewer
from states.vocabulary import Role
from store import plans
from store.db import make_engine
from store.tables import Organisation


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest) -> Iterator[Engine]:
    engine = make_engine(request.getfixturevalue(f"{request.param}_url"))
    yield engine
    engine.dispose()


# A backslash is PostgreSQL's default LIKE escape: unescaped, an id back\x matched backx.
WILDCARDS = ["pct%{}", "und_{}", "back\\{}", "both%_{}"]
NEIGHBOURS = ["pct-neighbour-{}", "undX{}", "back{}", "bothXY{}"]


def test_wildcards_in_ids_match_only_themselves(db: Engine) -> None:
    tag = uuid.uuid4().hex[:6]
    root = f"root-{tag}"
    wild = [w.format(tag) for w in WILDCARDS]
    near = [n.format(tag) for n in NEIGHBOURS]
    coordinator = Actor(user_id="c", name="c", role=Role.COORDINATOR, organisation_id=root)
    with Session(db) as session:
        session.add(Organisation(id=root, code=root, name=root, level="province"))
        for org in [*wild, *near]:
            session.add(Organisation(id=org, code=org, name=org, level="commune", parent_id=root))
        session.commit()
        units = [session.get(Organisation, org) for org in [*wild, *near]]
        specs = [plans.ItemSpec(u, parse_period("2026-Q4"), "planned", []) for u in units if u]
        fields = {
            "number": "1/KH",
            "year": 2026,
            "kind": "planned",
            "issuer_id": root,
            "issued_on": date(2026, 1, 8),
            "title": "Kế hoạch",
        }
        both = plans.create_plan(session, fields, specs, coordinator, datetime.now(UTC))
        only_near = plans.create_plan(
            session, fields | {"number": "2/KH"}, specs[len(wild) :], coordinator, datetime.now(UTC)
        )

        for org in wild:
            rep = Viewer(user_id="r", role=Role.UNIT_REP, organisation_id=org, chain=[root, org])
            assert [i.unit_id for i in plans.items_of(session, both.id, rep)] == [org]
            assert plans.visible_plan(session, rep, only_near.id) is None
            assert {p.id for p in plans.visible_plans(session, rep, 2026)} == {both.id}
            assert plans.plan_counts(session, [both.id, only_near.id], rep) == {both.id: 1}
        # An office whose authority is a wildcard id sees no plan issued outside it.
        for org in wild:
            office = Viewer(
                user_id="v",
                role=Role.VIEWER,
                organisation_id=org,
                chain=[root, org],
                authority_root=org,
            )
            assert plans.visible_plans(session, office, 2026) == []
