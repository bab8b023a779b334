"""``seed_demo`` on its own fresh database and worker: states, schools, accounts, once only."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from temporalio.client import Client

from api.security import verify_password
from api.settings import ApiSettings
from states.calendar import local_date
from states.scope import Viewer
from states.vocabulary import FindingStatus, InspectionKind, InspectionState, Role
from store import register
from store.db import make_engine
from store.queries import snapshot_of, user_by_username
from store.reports import coverage
from store.tables import Event, Inspection, Organisation, Plan, User
from tests.conftest import migrated_sqlite
from worker import demo_data
from worker.build import build_worker
from worker.demo_inspections import ADJUSTMENT, scenarios
from worker.demo_plans import ANNUAL, SCHOOLS
from worker.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, SeedError, seed_demo


@dataclass
class Seeded:
    engine: Engine
    settings: ApiSettings
    loaded: bool


@pytest.fixture(scope="module")
async def seeded(tmp_path_factory: pytest.TempPathFactory, client: Client) -> AsyncIterator[Seeded]:
    """A fresh database and worker, so the demo's rows never meet the API tests' rows."""
    directory: Path = tmp_path_factory.mktemp("seed")
    url = migrated_sqlite(directory)
    engine = make_engine(url)
    queue = f"kiemtra-seed-{uuid.uuid4().hex[:8]}"
    settings = ApiSettings(
        data_dir=directory, database_url=url, task_queue=queue, update_timeout_seconds=30
    )
    async with build_worker(client, engine, queue):
        loaded = await seed_demo(client, engine, settings)
        yield Seeded(engine, settings, loaded)
    engine.dispose()


def rows_by_unit(engine: Engine) -> dict[str, Inspection]:
    with Session(engine) as session:
        return {row.unit_id: row for row in session.exec(select(Inspection)).all()}


async def test_inspections_reach_their_intended_states(seeded: Seeded) -> None:
    assert seeded.loaded is True
    expected = {s.unit_id: s for s in scenarios(date.today())}
    rows = rows_by_unit(seeded.engine)
    assert set(rows) == set(expected)
    assert {u: r.state for u, r in rows.items()} == {
        u: s.ends_in.value for u, s in expected.items()
    }
    assert {(r.kind, r.decision_number) for r in rows.values()} == {
        (s.kind.value, s.decision_number) for s in expected.values()
    }


async def test_the_field_reports_show_in_the_read_model(seeded: Seeded) -> None:
    rows = rows_by_unit(seeded.engine)
    with Session(seeded.engine) as session:
        found = {u: snapshot_of(session, r.id) for u, r in rows.items()}
    snap = {u: s for u, s in found.items() if s is not None}
    assert snap.keys() == rows.keys()

    requested = snap[demo_data.HOP_TIEN]
    assert [f.criterion for f in requested.findings] == ["IR-01", "IR-02", "IR-04"]
    assert requested.conclusion_number == "212/TB-UBND"
    assert "207/KH-UBND" in requested.legal_basis

    closed = snap[demo_data.AN_PHU_SHOP]
    assert closed.findings and {f.status for f in closed.findings} == {FindingStatus.RESOLVED}
    assert [h.trigger for h in closed.history][-2:] == ["schedule_reinspection", "verify"]

    secret = snap[demo_data.BINH_AN_SHOP]
    assert (secret.kind, secret.state) == (InspectionKind.SURPRISE, InspectionState.TEAM_FORMED)
    visited = snap[demo_data.DAI_HUNG_SHOP]
    assert {f.criterion for f in visited.findings} >= {"WH-01", "ID-01", "ID-02", "TP-01"}
    assert "giải trình" in visited.visit.unit_explanation

    assert snap[demo_data.LAND_BRANCH].kind is InspectionKind.COMPLAINT
    cancelled = snap[demo_data.HIEP_HA]
    assert (cancelled.state, cancelled.reason) == (
        InspectionState.CANCELLED,
        f"Điều chỉnh kế hoạch: {ADJUSTMENT}",
    )


async def test_the_demo_holds_its_documents_dated_as_they_were_issued(seeded: Seeded) -> None:
    rows = rows_by_unit(seeded.engine)
    closed = rows[demo_data.AN_PHU_SHOP]
    with Session(seeded.engine) as session:
        docs = register.of_inspection(session, closed.id)
        snapshot = snapshot_of(session, closed.id)
    assert snapshot is not None
    assert [(d.type, d.symbol) for d in docs] == [
        ("QĐ", "94/QĐ-UBND"),
        ("TB", "12/TB-SNV"),
        ("BB", docs[2].symbol),
        ("BC", docs[3].symbol),
        ("TB", "210/TB-UBND"),
        ("BC", docs[5].symbol),
    ]
    dates = [d.signed_on for d in docs]
    assert dates == sorted(dates) and dates[0] is not None and dates[0] < date.today()
    # The inspection is dated by its decision, and its deadlines counted from its steps.
    assert local_date(snapshot.decided_at) == dates[0]


async def test_the_plans_and_their_coverage(seeded: Seeded) -> None:
    """Planned inspections start from plan 207/KH-UBND; the school plan lists all 81."""
    rows = rows_by_unit(seeded.engine)
    system = Viewer(user_id="system", role=Role.SYSTEM)
    today = date.today()
    with Session(seeded.engine) as session:
        by_number = {p.number: p for p in session.exec(select(Plan)).all()}
        annual = coverage(session, system, by_number[ANNUAL], today)
        schools = coverage(session, system, by_number[SCHOOLS], today)
    linked = {r.unit_id for r in rows.values() if r.plan_item_id}
    assert linked == {
        demo_data.AN_PHU_SHOP,
        demo_data.AN_PHU,
        demo_data.HOP_TIEN,
        demo_data.HIEP_HA,
        demo_data.AGRICULTURE,
        demo_data.FINANCE,
        demo_data.FIRST_PRIMARY_SCHOOL,
    }
    # Visited: An Phú's shop, An Phú, Hợp Tiến; Hiệp Hạ withdrawn by plan adjustment.
    assert annual.overall.model_dump() == {
        "planned": 10,
        "inspected": 3,
        "in_progress": 2,
        "not_started": 4,
        "cancelled": 1,
        "pct_inspected": 30.0,
        "pct_in_progress": 20.0,
        "pct_not_started": 40.0,
        "pct_cancelled": 10.0,
    }
    assert (schools.overall.planned, schools.overall.in_progress) == (81, 1)
    assert len(schools.due_this_quarter_not_started) == 80


async def test_81_schools_under_one_area_and_a_merged_commune(seeded: Seeded) -> None:
    with Session(seeded.engine) as session:
        schools = session.exec(
            select(Organisation).where(
                Organisation.parent_id == demo_data.SCHOOL_AREA, Organisation.level == "school"
            )
        ).all()
        merged = session.get(Organisation, demo_data.OLD_COMMUNE)
        province = session.get(Organisation, demo_data.PROVINCE)
    assert len(schools) == 81
    assert merged is not None and merged.successor_id == demo_data.AN_PHU
    assert merged.valid_to is not None and merged.valid_to < demo_data.MERGED_ON
    assert province is not None and province.code == demo_data.PROVINCE_CODE


async def test_every_role_has_an_account_whose_password_verifies(seeded: Seeded) -> None:
    with Session(seeded.engine) as session:
        for account in DEMO_ACCOUNTS:
            user = user_by_username(session, account.username)
            assert user is not None, account.username
            assert (user.role, user.organisation_id, user.full_name) == (
                account.role.value,
                account.organisation_id,
                account.full_name,
            )
            assert verify_password(DEMO_PASSWORD, user.password_hash)
        roles = set(session.exec(select(User.role)).all())
    assert roles == {"admin", "coordinator", "decision_maker", "inspector", "unit_rep", "viewer"}


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Organisation, User, Inspection, Event)
        }


async def test_a_second_call_returns_false_and_adds_nothing(seeded: Seeded, client: Client) -> None:
    before = counts(seeded.engine)
    assert await seed_demo(client, seeded.engine, seeded.settings) is False
    assert counts(seeded.engine) == before
    # Modest by design: seeding is a few dozen commands.
    with Session(seeded.engine) as session:
        updates = session.exec(
            select(func.count()).select_from(Event).where(col(Event.trigger) != "decide")
        ).one()
    assert updates < 80


async def test_without_a_worker_nothing_is_written(tmp_path: Path, client: Client) -> None:
    url = migrated_sqlite(tmp_path)
    engine = make_engine(url)
    settings = ApiSettings(
        data_dir=tmp_path,
        database_url=url,
        task_queue=f"kiemtra-nobody-{uuid.uuid4().hex[:8]}",
        update_timeout_seconds=0.5,
    )
    try:
        with pytest.raises(SeedError, match="no worker polls"):
            await seed_demo(client, engine, settings)
        assert set(counts(engine).values()) == {0}
    finally:
        engine.dispose()
