"""``seed_demo`` on its own fresh database and worker: states, schools, accounts, once only."""

import asyncio
import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, func, select
from temporalio.client import Client

from api.security import verify_password
from api.settings import ApiSettings
from states.calendar import local_date
from states.complaints import ComplaintStatus
from states.scope import Viewer
from states.vocabulary import FindingStatus, InspectionKind, InspectionState, Role
from store import register
from store.db import make_engine
from store.queries import snapshot_of, user_by_username
from store.reports import coverage
from store.tables import Event, Inspection, Notification, Organisation, Plan, User
from tests.api.conftest import api_settings, serve
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


def rows_by_decision(engine: Engine) -> dict[str, Inspection]:
    """The demo's inspections by their decision's (typed, unique) number."""
    with Session(engine) as session:
        return {row.decision_number: row for row in session.exec(select(Inspection)).all()}


async def test_inspections_reach_their_intended_states(seeded: Seeded) -> None:
    assert seeded.loaded is True
    expected = {s.decision_number: s for s in scenarios(date.today())}
    rows = rows_by_decision(seeded.engine)
    assert set(rows) == set(expected)
    assert {n: (r.unit_id, r.kind, r.state) for n, r in rows.items()} == {
        n: (s.unit_id, s.kind.value, s.ends_in.value) for n, s in expected.items()
    }
    # The demo shows every state of the procedure.
    assert {r.state for r in rows.values()} == {s.value for s in InspectionState}


async def test_the_field_reports_show_in_the_read_model(seeded: Seeded) -> None:
    rows = rows_by_decision(seeded.engine)
    with Session(seeded.engine) as session:
        found = {n: snapshot_of(session, r.id) for n, r in rows.items()}
    snap = {n: s for n, s in found.items() if s is not None}
    assert snap.keys() == rows.keys()

    requested = snap["96/QĐ-UBND"]
    assert [f.criterion for f in requested.findings] == ["IR-01", "IR-02", "IR-04"]
    assert requested.conclusion_number == "212/TB-UBND"
    assert "207/KH-UBND" in requested.legal_basis

    closed = snap["94/QĐ-UBND"]
    assert closed.findings and {f.status for f in closed.findings} == {FindingStatus.RESOLVED}
    assert [h.trigger for h in closed.history][-2:] == ["schedule_reinspection", "verify"]

    secret = snap["102/QĐ-UBND"]
    assert (secret.kind, secret.state) == (InspectionKind.SURPRISE, InspectionState.TEAM_FORMED)
    visited = snap["97/QĐ-UBND"]
    assert {f.criterion for f in visited.findings} >= {"WH-01", "ID-01", "ID-02", "TP-01"}
    assert "giải trình" in visited.visit.unit_explanation

    assert snap["99/QĐ-UBND"].kind is InspectionKind.COMPLAINT
    cancelled = snap["98/QĐ-UBND"]
    assert (cancelled.state, cancelled.reason) == (
        InspectionState.CANCELLED,
        f"Điều chỉnh kế hoạch: {ADJUSTMENT}",
    )


async def test_the_demo_holds_its_documents_dated_as_they_were_issued(seeded: Seeded) -> None:
    closed = rows_by_decision(seeded.engine)["94/QĐ-UBND"]
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
    """Planned inspections start from plan 207/KH-UBND, surprise checks fill its slots; the
    school plan lists all 81."""
    rows = rows_by_decision(seeded.engine).values()
    system = Viewer(user_id="system", role=Role.SYSTEM)
    today = date.today()
    with Session(seeded.engine) as session:
        by_number = {p.number: p for p in session.exec(select(Plan)).all()}
        annual = coverage(session, system, by_number[ANNUAL], today)
        schools = coverage(session, system, by_number[SCHOOLS], today)
    linked = {r.unit_id for r in rows if r.plan_item_id and r.kind == "planned"}
    assert linked == {
        demo_data.AN_PHU_SHOP,
        demo_data.AN_PHU,
        demo_data.HOP_TIEN,
        demo_data.HIEP_HA,
        demo_data.AGRICULTURE,
        demo_data.FINANCE,
    }
    # Items: visited An Phú's shop, An Phú, Hợp Tiến; Hiệp Hạ withdrawn by plan adjustment.
    # Slots: 25 surprise checks, all decided; visited but Thống Nhất's (suspended before
    # the visit) and Bình An's shop's (team formed).
    assert annual.slot_checks == 25
    assert annual.overall.model_dump() == {
        "planned": 35,
        "inspected": 26,
        "in_progress": 4,
        "not_started": 4,
        "cancelled": 1,
        "pct_inspected": 74.3,
        "pct_in_progress": 11.4,
        "pct_not_started": 11.4,
        "pct_cancelled": 2.9,
    }
    # 28 of the 81 schools visited, the first notified.
    assert (schools.overall.planned, schools.overall.inspected) == (81, 28)
    assert schools.overall.in_progress == 1
    assert len(schools.due_this_quarter_not_started) == 52


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
    assert updates < 400


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


def csv_figures(text: str, table: str) -> dict[str, int]:
    """``{key: count}`` of one table of a long-table CSV export."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return {row[1]: int(row[3]) for row in rows if row and row[0] == table and row[3]}


@pytest.fixture(scope="module")
async def demo_api(seeded: Seeded, client: Client) -> AsyncIterator[httpx.AsyncClient]:
    """The API on the seeded database, signed in as the demo's coordinator."""
    s = seeded.settings
    settings = api_settings(s.data_dir, s.database_url, s.task_queue, 30)
    async with (
        serve(settings, seeded.engine, client) as url,
        httpx.AsyncClient(base_url=f"{url}/api/v1", timeout=60) as http,
    ):
        r = await http.post(
            "/auth/token", data={"username": "coordinator", "password": DEMO_PASSWORD}
        )
        assert r.status_code == 200, r.text
        http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        yield http


async def test_the_seed_figures_through_the_api_and_its_exports(
    demo_api: httpx.AsyncClient,
) -> None:
    """Seed 004's year, 25 surprise checks as 19/3/3 (one-stop shops under their commune),
    and seed 003's 28 of 81 schools, as the office reads and exports them."""
    surprise = {"kind": "surprise"}
    r = await demo_api.get("/reports/summary", params=surprise)
    assert r.status_code == 200, r.text
    assert r.json()["inspections"] == 25  # the voided one is not counted
    by_level = {line["key"]: line["count"] for line in r.json()["by_level"]}
    assert by_level == {"commune": 19, "agency": 3, "department": 3}
    r = await demo_api.get("/reports/summary.csv", params=surprise)
    assert csv_figures(r.text, "by_level") == {"commune": 19, "agency": 3, "department": 3}
    # Counted each by its own level, the shops are a line of their own.
    r = await demo_api.get("/reports/summary", params=surprise | {"attached_as_parent": False})
    by_own = {line["key"]: line["count"] for line in r.json()["by_level"]}
    assert (by_own["commune"], by_own["one_stop_shop"]) == (16, 3)

    plans = {p["number"]: p["id"] for p in (await demo_api.get("/plans")).json()["data"]}
    r = await demo_api.get("/reports/coverage", params={"plan": plans[SCHOOLS]})
    assert (r.json()["overall"]["planned"], r.json()["overall"]["inspected"]) == (81, 28)
    assert r.json()["overall"]["pct_inspected"] == 34.6
    r = await demo_api.get("/reports/coverage.csv", params={"plan": plans[SCHOOLS]})
    assert csv_figures(r.text, "overall").items() >= {"planned": 81, "inspected": 28}.items()


async def test_complaints_discipline_and_overdue_items_in_the_demo(
    demo_api: httpx.AsyncClient, seeded: Seeded
) -> None:
    r = await demo_api.get("/complaints", params={"limit": 100})
    assert r.status_code == 200, r.text
    assert {c["status"] for c in r.json()["data"]} == {s.value for s in ComplaintStatus}
    # Counted in the year's report and its export (numbers only, no complainant).
    r = await demo_api.get("/reports/summary.csv")
    assert csv_figures(r.text, "complaints") == {
        "received": 7,
        "inspected": 3,
        "founded": 1,
        "unfounded": 2,
        "out_of_scope": 1,
        "pending": 2,
    }
    assert "Phạm Thị Lan" not in r.text and "example.vn" not in r.text
    r = await demo_api.get("/discipline")
    records = {d["person_name"]: d for d in r.json()["data"]}
    assert records["Trần Văn Lợi"]["status"] == "proposed"
    assert (records["Lê Thị Hoa"]["status"], records["Lê Thị Hoa"]["decision_number"]) == (
        "decided",
        "15/QĐ-UBND",
    )
    # Concluded five weeks ago, due three weeks ago: overdue, and the reminders went out
    # (the overdue notice and the reminder letter, registered as a CV).
    overdue = rows_by_decision(seeded.engine)["95/QĐ-UBND"]
    assert overdue.overdue
    for _ in range(100):
        docs = (await demo_api.get(f"/inspections/{overdue.id}/documents")).json()["data"]
        if any(d["kind"] == "reminder" for d in docs):
            break
        await asyncio.sleep(0.2)
    reminder = next(d for d in docs if d["kind"] == "reminder")
    assert reminder["symbol"]
    with Session(seeded.engine) as session:
        told = session.exec(
            select(Notification.kind).where(Notification.inspection_id == overdue.id)
        ).all()
    assert "overdue" in told
