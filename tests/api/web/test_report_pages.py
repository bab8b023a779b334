"""The reports page over HTTP, against the real stack: the figures of inspections set up
through the JSON API, the charts inline, real .xlsx downloads with the filters, and bad
filters answered with a 422 page."""

import io
import re
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from states.checklist import CRITERIA
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, results, start, team
from tests.api.test_plans_api import new_plan, this_year
from tests.api.web.conftest import Pages

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Commune:
    """A commune of its own, so that its figures are this module's alone."""

    id: str
    name: str
    plan: dict[str, Any]


async def visited(
    http: httpx.AsyncClient, people: People, kind: str, failing: list[str], **extra: Any
) -> str:
    iid = str((await start(http, people, kind=kind, **extra))["inspection_id"])
    steps: list[tuple[str, str, Any]] = [("coordinator", "team", team(people))]
    if kind == "planned":
        steps.append(("coordinator", "notice", {}))
    steps += [
        ("leader", "visit/start", None),
        ("leader", "visit", {"results": results(failing)}),
    ]
    for who, path, body in steps:
        r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
        assert r.status_code == 200, (path, r.text)
    return iid


@pytest.fixture(scope="module")
async def commune(http: httpx.AsyncClient, people: People) -> AsyncIterator[Commune]:
    """A planned inspection (from a plan item) finding WH-01 and ID-01, and a surprise one
    finding WH-01, both visited: 2 inspections, 3 findings, no remediation due yet."""
    code = f"XR{uuid.uuid4().hex[:6]}"
    name = f"UBND xã Báo Cáo {code}"
    body = {"code": code, "name": name, "level": "commune", "parent_id": "org-province"}
    r = await http.post("/organisations", json=body, headers=people.headers["admin"])
    assert r.status_code == 201, r.text
    org = r.json()["id"]
    plan = await new_plan(http, people, items=[{"unit_id": org, "period": f"{this_year()}-Q4"}])
    item = plan["items"][0]["id"]
    title = f"Kiểm tra công vụ {name}"
    await visited(
        http, people, "planned", ["WH-01", "ID-01"], unit_id=org, plan_item_id=item, title=title
    )
    await visited(http, people, "surprise", ["WH-01"], unit_id=org, title=title)
    yield Commune(id=org, name=name, plan=plan)


def figure(html: str, label: str) -> str:
    """The number in the row headed ``label`` of a figures table."""
    found = re.search(rf'<th scope="row">{re.escape(label)}</th><td class="num">([^<]*)</td>', html)
    assert found, f"no row {label!r}"
    return found.group(1)


def totals(content: bytes) -> dict[str, Any]:
    """The first sheet of a summary workbook: key → value."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return {row[0]: row[2] for row in sheet.iter_rows(values_only=True) if row[0]}


async def test_summary_shows_the_figures_and_the_chart(
    http: httpx.AsyncClient, people: People, pages: Pages, commune: Commune
) -> None:
    year = this_year()
    filters = {"from": f"{year}-01-01", "to": f"{year}-12-31", "organisation": commune.id}
    api = await http.get("/reports/summary", params=filters, headers=people.headers["coordinator"])
    assert api.json()["inspections"] == 2 and api.json()["findings"] == 3

    coordinator = await pages("coordinator")
    r = await coordinator.get("/reports", params=filters | {"plan": ""})
    assert r.status_code == 200
    html = r.text
    assert figure(html, "Số cuộc kiểm tra") == "2"
    assert figure(html, "Số tồn tại, hạn chế") == "3"
    assert figure(html, "Trong đó: bị đình chỉ") == "0"
    # No remediation item has fallen due: the on-time rate is no rate at all, not 0 %.
    assert figure(html, "Tỷ lệ khắc phục đúng hạn") == "—"
    assert figure(html, "Theo kế hoạch") == "1" and figure(html, "Đột xuất") == "1"
    assert figure(html, "Tự kiểm tra") == "0"
    assert "50,0 %" in html  # shares with the Vietnamese decimal comma
    assert figure(html, f"WH-01 — {CRITERIA['WH-01'].vi}") == "2"
    assert figure(html, f"ID-01 — {CRITERIA['ID-01'].vi}") == "1"
    # The chart is the API's SVG, inline, for the same filters.
    chart = re.search(r'<div class="chart"><svg .*?</svg>', html, re.S)
    assert chart and commune.name in chart.group(0)
    svg = await http.get(
        "/reports/summary.svg", params=filters, headers=people.headers["coordinator"]
    )
    assert svg.text in html
    assert f'<option value="{commune.id}" selected>' in html
    assert f"/reports/summary.xlsx?from={year}-01-01&amp;to={year}-12-31" in html

    # htmx asks for the block only; without a plan there is no coverage section.
    part = await coordinator.get("/reports", params=filters, headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert "<html" not in part.text and part.text.lstrip().startswith('<div id="reports">')


async def test_download_is_a_real_workbook_with_the_filtered_figures(
    pages: Pages, commune: Commune
) -> None:
    year = this_year()
    coordinator = await pages("coordinator")
    base = {"from": f"{year}-01-01", "to": f"{year}-12-31", "organisation": commune.id}
    r = await coordinator.get("/reports/summary.xlsx", params=base)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert 'filename="bao-cao-tong-hop.xlsx"' in r.headers["content-disposition"]
    whole = totals(r.content)
    assert whole["organisation"] == commune.name
    assert whole["inspections"] == 2 and whole["findings"] == 3

    only = totals(
        (await coordinator.get("/reports/summary.xlsx", params=base | {"kind": "surprise"})).content
    )
    assert only["inspections"] == 1 and only["findings"] == 1

    csv = await coordinator.get("/reports/summary.csv", params=base)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "totals,inspections,Số cuộc kiểm tra,2," in csv.text

    word = await coordinator.get("/reports/summary.docx", params=base)
    assert word.status_code == 200
    with zipfile.ZipFile(io.BytesIO(word.content)) as docx:
        text = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    assert f"Kết quả công tác kiểm tra công vụ năm {year} — {commune.name}" in text
    assert "đã tiến hành 2 cuộc kiểm tra công vụ" in text

    plan = commune.plan["id"]
    cov = await coordinator.get("/reports/coverage.xlsx", params={"plan": plan})
    assert cov.status_code == 200
    assert load_workbook(io.BytesIO(cov.content)).worksheets  # opens


async def test_the_level_setting_and_the_plan_filter_reach_the_figures_and_the_files(
    pages: Pages, commune: Commune
) -> None:
    year = this_year()
    coordinator = await pages("coordinator")
    base = {"from": f"{year}-01-01", "to": f"{year}-12-31", "organisation": commune.id}
    r = await coordinator.get("/reports", params=base | {"plan": ""})
    box = re.search(r'<input type="checkbox" name="attached_as_parent"[^>]*>', r.text)
    assert box and "checked" in box.group(0)  # on unless the person unticks it
    # Ticked, the form sends the hidden "false" and then "true": the last one holds.
    ticked = base | {"plan": "", "attached_as_parent": ["false", "true"]}
    r = await coordinator.get("/reports", params=ticked)
    box = re.search(r'<input type="checkbox" name="attached_as_parent"[^>]*>', r.text)
    assert box and "checked" in box.group(0)
    # Unticked, the form sends only its hidden "false": the box comes back empty and the
    # downloads carry the setting.
    r = await coordinator.get("/reports", params=base | {"plan": "", "attached_as_parent": "false"})
    box = re.search(r'<input type="checkbox" name="attached_as_parent"[^>]*>', r.text)
    assert box and "checked" not in box.group(0)
    assert "attached_as_parent=false" in r.text.split('id="summary-title"', 1)[1]
    only_plan = base | {"plan": "", "plan_id": commune.plan["id"]}
    r = await coordinator.get("/reports", params=only_plan)
    assert figure(r.text, "Số cuộc kiểm tra") == "1"
    assert f'<option value="{commune.plan["id"]}" selected>' in r.text
    book = await coordinator.get("/reports/summary.xlsx", params=only_plan)
    assert totals(book.content)["inspections"] == 1
    assert totals(book.content)["plan"] == commune.plan["number"]


async def test_coverage_of_a_plan_and_its_secrecy(pages: Pages, commune: Commune) -> None:
    coordinator = await pages("coordinator")
    plan = commune.plan
    r = await coordinator.get("/reports", params={"plan": plan["id"]})
    assert r.status_code == 200
    coverage = r.text.split('id="coverage-title"', 1)[1]
    assert plan["number"] in coverage
    # One planned unit, visited: 1 inspected (100 %), nothing else.
    assert '<td class="num">1 (100,0 %)</td>' in coverage
    assert re.search(r'<div class="chart"><svg .*?Tiến độ thực hiện kế hoạch', coverage, re.S)
    assert f"/reports/coverage.xlsx?plan={plan['id']}" in coverage

    # Another province sees neither the plan nor its coverage, as the API answers.
    other = await pages("coordinator2")
    assert plan["number"] not in (await other.get("/reports")).text
    assert (await other.get("/reports", params={"plan": plan["id"]})).status_code == 404
    assert (
        await other.get("/reports/coverage.xlsx", params={"plan": plan["id"]})
    ).status_code == 404
    # Nor do another province's figures count this commune's inspections.
    theirs = await other.get("/reports", params={"organisation": commune.id, "plan": ""})
    assert figure(theirs.text, "Số cuộc kiểm tra") == "0"


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-45"},
        {"from": "0"},
        {"to": "31/12/2026"},
        {"from": "2026-12-31", "to": "2026-01-01"},
        {"kind": "khong-co"},
        {"organisation": "khong-co-don-vi"},
        {"on": "hôm nay"},
        {"from": "1899-12-31"},
        {"plan_id": "khong-co-ke-hoach"},
        {"issuer_id": "khong-co-don-vi"},
    ],
)
async def test_bad_filters_are_a_422_page(pages: Pages, params: dict[str, str]) -> None:
    coordinator = await pages("coordinator")
    r = await coordinator.get("/reports", params=params)
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert "Dữ liệu nhập chưa hợp lệ" in r.text
    assert 'aria-invalid="true"' in r.text
    download = await coordinator.get("/reports/summary.xlsx", params=params)
    if "on" not in params:
        assert download.status_code == 422
        assert download.headers["content-type"].startswith("text/html")
