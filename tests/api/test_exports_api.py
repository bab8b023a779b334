"""Exports and charts of hostile data over HTTP: names and titles that look like formulas or
carry control characters still give files that open, and charts cannot run script."""

import csv
import io
import uuid
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from store.tables import Inspection, Organisation, Plan, PlanItem
from testkit import samples as b
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post
from tests.api.test_plans_api import new_plan, this_year

SVG = "{http://www.w3.org/2000/svg}"
NAME = "=cmd|' /C calc'!A0 xã\x01An\x0bPhú"
NAME_SHOWN = "=cmd|' /C calc'!A0 xã\ufffdAn\ufffdPhú"
TITLE = '=HYPERLINK("http://evil.example","Kiểm tra")\x1f'
TITLE_SHOWN = '=HYPERLINK("http://evil.example","Kiểm tra")\ufffd'


@dataclass
class Hostile:
    unit_id: str
    plan_id: str


@pytest.fixture(scope="module")
async def hostile(
    http: httpx.AsyncClient, people: People, engine: Engine
) -> AsyncIterator[Hostile]:
    """A commune whose name is a formula with control characters, an inspection of it with
    such a title, and a plan (number and title likewise) with the commune as its item.

    Today's API refuses control characters in every field, so they are written into the
    records directly, as data from before that (or from a database restore) would hold them:
    exports must survive what is stored, not only what is accepted now."""
    unit_id = f"org-hostile-{uuid.uuid4().hex[:8]}"
    org = {"id": unit_id, "code": unit_id, "name": clean(NAME), "level": "commune"}
    r = await post(http, people, "admin", "/organisations", org | {"parent_id": b.PROVINCE})
    assert r.status_code == 201, r.text
    body = {"kind": "planned", "unit_id": unit_id, "title": clean(TITLE)}
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 201, r.text
    plan = await new_plan(
        http,
        people,
        number=f"{uuid.uuid4().int % 100000}/KH-X",
        title=f"Kế hoạch {clean(TITLE)}",
        items=[{"unit_id": unit_id, "period": f"{this_year()}-Q4"}],
    )
    with Session(engine) as session:
        session.exec(update(Organisation).where(col(Organisation.id) == unit_id).values(name=NAME))
        session.exec(
            update(Inspection)
            .where(col(Inspection.id) == r.json()["inspection_id"])
            .values(title=TITLE, unit_name=NAME)
        )
        session.exec(
            update(PlanItem).where(col(PlanItem.unit_id) == unit_id).values(unit_name=NAME)
        )
        session.exec(
            update(Plan)
            .where(col(Plan.id) == plan["id"])
            .values(number=plan["number"] + "\x01", title=f"Kế hoạch\x0b{TITLE}")
        )
        session.commit()
    yield Hostile(unit_id, plan["id"])


def clean(text: str) -> str:
    """What the API accepts of ``text``: its control characters as spaces."""
    return "".join(" " if ord(c) < 32 else c for c in text)


async def get(http: httpx.AsyncClient, people: People, path: str, **params: str) -> httpx.Response:
    r = await http.get(path, params=params, headers=people.headers["coordinator"])
    assert r.status_code == 200, r.text
    return r


async def test_inspection_list_exports_keep_text_as_text(
    http: httpx.AsyncClient, people: People, hostile: Hostile
) -> None:
    book = (await get(http, people, "/inspections.xlsx", unit=hostile.unit_id)).content
    ws = load_workbook(io.BytesIO(book)).active
    assert ws is not None and ws.max_row == 2
    unit, title = ws["C2"], ws["D2"]
    assert (unit.value, unit.data_type) == (NAME_SHOWN, "s")
    assert (title.value, title.data_type) == (TITLE_SHOWN, "s")

    text = (await get(http, people, "/inspections.csv", unit=hostile.unit_id)).text
    (row,) = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))[1:]
    # CSV is plain text: control characters may stay, the formula may not run.
    assert row[2:4] == ["'" + NAME, "'" + TITLE]


async def test_reports_of_hostile_names_open_and_parse(
    http: httpx.AsyncClient, people: People, hostile: Hostile
) -> None:
    summary = await get(http, people, "/reports/summary.xlsx", organisation=hostile.unit_id)
    totals = load_workbook(io.BytesIO(summary.content))["Tổng hợp"]
    organisation = next(r[2] for r in totals.iter_rows(min_row=2) if r[0].value == "organisation")
    assert (organisation.value, organisation.data_type) == (NAME_SHOWN, "s")

    chart = await get(http, people, "/reports/summary.svg", organisation=hostile.unit_id)
    texts = [t.text or "" for t in ET.fromstring(chart.content).iter(f"{SVG}text")]
    assert any(t.endswith(f" — {NAME_SHOWN}") for t in texts)

    coverage = await get(http, people, "/reports/coverage.xlsx", plan=hostile.plan_id)
    units = load_workbook(io.BytesIO(coverage.content))["Đơn vị"]
    assert [(c.value, c.data_type) for c in units["B"][1:]] == [(NAME_SHOWN, "s")]
    chart = await get(http, people, "/reports/coverage.svg", plan=hostile.plan_id)
    root = ET.fromstring(chart.content)
    assert (root.findtext(f"{SVG}title") or "").endswith("/KH-X\ufffd")
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any(t.startswith(f"Kế hoạch\ufffd{TITLE_SHOWN} — tính đến") for t in texts)


@pytest.mark.parametrize(
    "path", ["/reports/summary.svg", "/reports/summary.svg?chart=kind", "/reports/coverage.svg"]
)
async def test_charts_carry_a_policy_that_runs_nothing(
    http: httpx.AsyncClient, people: People, hostile: Hostile, path: str
) -> None:
    r = await http.get(
        path,
        params={"plan": hostile.plan_id} if "coverage" in path else {},
        headers=people.headers["viewer"],
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("image/svg+xml")
    policy = [d.strip() for d in r.headers["content-security-policy"].split(";")]
    assert policy == ["default-src 'none'"]
