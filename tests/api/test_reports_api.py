"""Reports over HTTP on the real cases of DOMAIN.md §1 (built in ``report_world``): exact
figures, the same figures in .xlsx and CSV, charts, and each role's scope and secrecy."""

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from tests.api import report_world
from tests.api.conftest import People
from tests.api.report_world import World


@pytest.fixture(scope="module")
async def world(http: httpx.AsyncClient, people: People) -> AsyncIterator[World]:
    yield await report_world.build(http, people.headers["admin"])


async def get(w: World, who: str, path: str, **params: Any) -> httpx.Response:
    r = await w.http.get(path, params=params, headers=w.headers[who])
    assert r.status_code == 200, r.text
    return r


def year_range(w: World) -> dict[str, str]:
    return {"from": f"{w.year}-01-01", "to": f"{w.year}-12-31"}


def counts(lines: list[dict[str, Any]]) -> dict[str, int]:
    return {line["key"]: line["count"] for line in lines if line["count"]}


def shares(lines: list[dict[str, Any]]) -> dict[str, float]:
    return {line["key"]: line["pct"] for line in lines if line["count"]}


async def test_summary_counts_what_a_person_counts(world: World) -> None:
    s = (await get(world, "coord9", "/reports/summary", **year_range(world))).json()
    # 30 school inspections (28 visited + 2 under way), 25 surprise, X05 and X06 planned.
    assert s["inspections"] == 57 and s["cancelled"] == 1  # X06, by plan adjustment
    assert counts(s["by_kind"]) == {"planned": 2, "surprise": 25, "thematic": 30}
    assert shares(s["by_kind"]) == {"planned": 3.5, "surprise": 43.9, "thematic": 52.6}
    assert [line["key"] for line in s["by_kind"]] == [
        "planned",
        "surprise",
        "complaint",
        "thematic",
        "self",
        "joint",
        "reinspection",
    ]
    # Commune level: 19 surprise + X05 + X06; schools are public service units.
    assert [(line["key"], line["count"]) for line in s["by_level"]] == [
        ("department", 3),
        ("agency", 3),
        ("commune", 21),
        ("public_service_unit", 30),
    ]
    # WH-01: 18 surprise at communes + X05 + 14 schools; ID-01: X01 + 10 schools;
    # IR-01: X05; IR-02: 4 schools; OS-01: 3 agencies + 3 departments.
    assert s["findings"] == 55 and s["findings_withdrawn"] == 0
    assert [(c["key"], c["group"], c["count"], c["pct"]) for c in s["findings_by_criterion"]] == [
        ("WH-01", "WH", 33, 60.0),
        ("ID-01", "ID", 11, 20.0),
        ("IR-01", "IR", 1, 1.8),
        ("IR-02", "IR", 4, 7.3),
        ("OS-01", "OS", 6, 10.9),
    ]
    assert counts(s["findings_by_group"]) == {"WH": 33, "ID": 11, "IR": 5, "OS": 6}
    # X01: two items reported on time; X05: two on time in cycle 1, one open in cycle 2.
    assert s["remediation"] == {
        "items": 5,
        "on_time": 4,
        "late": 0,
        "open": 1,
        "open_overdue": 0,
        "on_time_pct": 100.0,
    }
    assert s["reinspections"] == {
        "verifications": 2,
        "closed": 1,
        "next_cycle": 1,
        "in_progress": 0,
        "reinspection_inspections": 0,
        "findings_resolved": 2,
        "findings_unresolved": 1,
        "findings_referred": 1,
    }
    assert s["discipline_people"] == 1
    assert [(d["person"], d["inspection_id"], d["criterion"]) for d in s["discipline"]] == [
        ("Trần Văn B", world.closed_id, "ID-01")
    ]


async def test_summary_filters_by_kind_organisation_and_period(world: World) -> None:
    surprise = (
        await get(world, "coord9", "/reports/summary", kind="surprise", **year_range(world))
    ).json()
    assert surprise["inspections"] == 25
    assert counts(surprise["by_level"]) == {"commune": 19, "agency": 3, "department": 3}
    ward = (
        await get(
            world,
            "coord9",
            "/reports/summary",
            organisation=world.org["R9-P01"],
            **year_range(world),
        )
    ).json()
    # The ward's surprise inspection and the 30 school inspections under it.
    assert (ward["inspections"], counts(ward["by_kind"])) == (31, {"surprise": 1, "thematic": 30})
    last_year = (
        await get(
            world,
            "coord9",
            "/reports/summary",
            **{"from": f"{world.year - 1}-01-01", "to": f"{world.year - 1}-12-31"},
        )
    ).json()
    assert (last_year["inspections"], last_year["findings"]) == (0, 0)
    bad = await world.http.get(
        "/reports/summary",
        params={"from": f"{world.year}-12-31", "to": f"{world.year}-01-01"},
        headers=world.headers["coord9"],
    )
    assert bad.status_code == 422


async def test_reports_respect_scope_and_secrecy(world: World) -> None:
    lateral = (await get(world, "view9stp", "/reports/summary", **year_range(world))).json()
    # A viewer of a lateral office (Justice): the secret surprise at X01 is not counted.
    assert lateral["inspections"] == 56
    assert counts(lateral["by_kind"])["surprise"] == 24
    assert counts(lateral["by_level"])["commune"] == 20
    issuing = (await get(world, "view9", "/reports/summary", **year_range(world))).json()
    # The issuing organisation's own viewer stands on the issuing side: it is counted.
    assert issuing["inspections"] == 57
    assert counts(issuing["by_kind"])["surprise"] == 25
    unit = (await get(world, "rep9", "/reports/summary", **year_range(world))).json()
    # X01's representative: its closed inspection only, never the one still secret.
    assert (unit["inspections"], counts(unit["by_kind"])) == (1, {"surprise": 1})
    assert (unit["findings"], unit["remediation"]["on_time"], unit["discipline_people"]) == (
        2,
        2,
        1,
    )
    listed = (await get(world, "rep9", "/inspections.csv")).text
    assert world.secret_id not in listed and world.closed_id in listed
    # A plan with nothing of the unit's own does not exist for it.
    r = await world.http.get(
        "/reports/coverage", params={"plan": world.school_plan["id"]}, headers=world.headers["rep9"]
    )
    assert r.status_code == 404
    own = (await get(world, "rep9b", "/reports/coverage", plan=world.plan_207["id"])).json()
    assert [i["unit_id"] for i in own["items"]] == [world.org["R9-X05"]]
    assert (own["overall"]["planned"], own["overall"]["inspected"]) == (1, 1)


async def test_coverage_of_the_81_schools(world: World) -> None:
    c = (
        await get(
            world,
            "coord9",
            "/reports/coverage",
            plan=world.school_plan["id"],
            on=f"{world.year}-11-20",
        )
    ).json()
    assert c["overall"] == {
        "planned": 81,
        "inspected": 28,
        "in_progress": 2,
        "not_started": 50,
        "cancelled": 1,
        "pct_inspected": 34.6,
        "pct_in_progress": 2.5,
        "pct_not_started": 61.7,
        "pct_cancelled": 1.2,
    }
    assert [(lv["level"], lv["planned"], lv["inspected"]) for lv in c["by_level"]] == [
        ("public_service_unit", 81, 28)
    ]
    assert c["quarter"] == f"{world.year}-Q4"
    assert len(c["due_this_quarter_not_started"]) == 50 and c["late_not_started"] == []
    codes = {v: k for k, v in world.org.items()}
    waiting = {codes[i["unit_id"]] for i in c["due_this_quarter_not_started"]}
    assert waiting == set(report_world.SCHOOLS[31:])


async def test_coverage_after_plan_adjustment(world: World) -> None:
    c = (
        await get(
            world,
            "view9",
            "/reports/coverage",
            plan=world.plan_207["id"],
            on=f"{world.year}-11-20",
        )
    ).json()
    assert {k: v for k, v in c["overall"].items() if not k.startswith("pct")} == {
        "planned": 4,
        "inspected": 1,
        "in_progress": 0,
        "not_started": 2,
        "cancelled": 1,
    }
    assert (c["overall"]["pct_inspected"], c["overall"]["pct_cancelled"]) == (25.0, 25.0)
    assert [
        (lv["level"], lv["planned"], lv["inspected"], lv["not_started"], lv["cancelled"])
        for lv in c["by_level"]
    ] == [("department", 1, 0, 1, 0), ("commune", 3, 1, 1, 1)]
    names = {v: k for k, v in world.org.items()}
    assert [names[i["unit_id"]] for i in c["due_this_quarter_not_started"]] == ["R9-STP"]
    assert [names[i["unit_id"]] for i in c["late_not_started"]] == ["R9-X07"]
    detail = (await get(world, "coord9", f"/plans/{world.plan_207['id']}")).json()
    assert [(h["action"], h["reason"]) for h in detail["history"]] == [
        ("created", ""),
        ("item_cancelled", "Điều chỉnh kế hoạch: xã sắp xếp lại đơn vị hành chính"),
    ]


def sheet_rows(content: bytes, title: str) -> dict[str, list[Any]]:
    """Rows of one sheet by their first cell (the key column), header excluded."""
    book = load_workbook(io.BytesIO(content))
    ws = book[title]
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold
    return {str(row[0].value): [c.value for c in row] for row in ws.iter_rows(min_row=2)}


def csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["Bảng", "Mã", "Nội dung", "Số lượng", "Tỷ lệ (%)"]
    return rows[1:]


async def test_exports_carry_the_same_figures(world: World) -> None:
    summary = await get(world, "coord9", "/reports/summary.xlsx", **year_range(world))
    assert summary.headers["content-type"].startswith("application/vnd.openxmlformats")
    kinds = sheet_rows(summary.content, "Theo loại")
    assert kinds["surprise"][2:] == [25, pytest.approx(0.439)]
    criteria = sheet_rows(summary.content, "Theo tiêu chí")
    assert {k: v[3] for k, v in criteria.items()} == {
        "WH-01": 33,
        "ID-01": 11,
        "IR-01": 1,
        "IR-02": 4,
        "OS-01": 6,
    }
    rows = csv_rows((await get(world, "coord9", "/reports/summary.csv", **year_range(world))).text)
    table = {(r[0], r[1]): (r[3], r[4]) for r in rows}
    assert table[("by_kind", "surprise")] == ("25", "43.9")
    assert table[("by_level", "commune")] == ("21", "36.8")
    assert table[("remediation", "on_time")][0] == "4"

    plan = world.school_plan["id"]
    cover = await get(world, "coord9", "/reports/coverage.xlsx", plan=plan)
    overall = sheet_rows(cover.content, "Tổng quan")
    assert overall["inspected"][2:] == [28, pytest.approx(0.346)]
    assert overall["planned"][2] == 81
    rows = csv_rows((await get(world, "coord9", "/reports/coverage.csv", plan=plan)).text)
    table = {(r[0], r[1]): (r[3], r[4]) for r in rows}
    assert table[("overall", "inspected")] == ("28", "34.6")
    assert table[("overall", "not_started")] == ("50", "61.7")


async def test_inspection_list_export_respects_filters(world: World) -> None:
    text = (await get(world, "coord9", "/inspections.csv", kind="surprise")).text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 1 + 25
    # The list follows the list's scope: X01's representative gets its one visible inspection.
    unit = (await get(world, "rep9", "/inspections.csv", kind="surprise")).text
    assert len(list(csv.reader(io.StringIO(unit.removeprefix("\ufeff"))))) == 1 + 1
    book = (
        await get(
            world, "coord9", "/inspections.xlsx", plan=world.school_plan["id"], state="visited"
        )
    ).content
    ws = load_workbook(io.BytesIO(book)).active
    assert ws is not None and ws.max_row == 1 + 28


async def test_charts_are_svg_with_vietnamese_labels(world: World) -> None:
    ns = {"svg": "http://www.w3.org/2000/svg"}
    svg = await get(world, "coord9", "/reports/summary.svg", chart="kind", **year_range(world))
    assert svg.headers["content-type"].startswith("image/svg+xml")
    texts = [t.text or "" for t in ET.fromstring(svg.content).iterfind(".//svg:text", ns)]
    assert "Đột xuất" in texts and "25" in texts
    cover = await get(world, "coord9", "/reports/coverage.svg", plan=world.school_plan["id"])
    texts = [t.text or "" for t in ET.fromstring(cover.content).iterfind(".//svg:text", ns)]
    assert any("12/KH-UBND" in t for t in texts)
    bad = await world.http.get(
        "/reports/summary.svg", params={"chart": "pie"}, headers=world.headers["coord9"]
    )
    assert bad.status_code == 422


async def test_a_one_stop_shop_counts_under_its_ward_unless_asked_otherwise(world: World) -> None:
    surprise = {"kind": "surprise", **year_range(world)}
    # Seed 004: 19 commune-level People's Committees, one of them visited at its one-stop shop.
    on = (await get(world, "coord9", "/reports/summary", **surprise)).json()
    assert on["attached_as_parent"] is True
    assert counts(on["by_level"]) == {"department": 3, "agency": 3, "commune": 19}
    off = (
        await get(world, "coord9", "/reports/summary", attached_as_parent="false", **surprise)
    ).json()
    assert off["attached_as_parent"] is False
    assert counts(off["by_level"]) == {
        "department": 3,
        "agency": 3,
        "commune": 18,
        "one_stop_shop": 1,
    }
    text = (
        await get(world, "coord9", "/reports/summary.csv", attached_as_parent="false", **surprise)
    ).text
    table = {(r[0], r[1]): r[3] for r in csv_rows(text)}
    assert (table[("by_level", "commune")], table[("by_level", "one_stop_shop")]) == ("18", "1")
    text = (await get(world, "coord9", "/reports/summary.csv", **surprise)).text
    table = {(r[0], r[1]): r[3] for r in csv_rows(text)}
    assert table[("by_level", "commune")] == "19" and ("by_level", "one_stop_shop") not in table
    book = await get(
        world, "coord9", "/reports/summary.xlsx", attached_as_parent="false", **surprise
    )
    assert sheet_rows(book.content, "Theo cấp")["one_stop_shop"][2] == 1
    assert sheet_rows(book.content, "Tổng hợp")["attached_as_parent"][2] == "Không"
    docx = await get(
        world, "coord9", "/reports/summary.docx", attached_as_parent="false", **surprise
    )
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")


async def test_summary_filters_by_plan_and_issuer(world: World) -> None:
    plan = (
        await get(
            world, "coord9", "/reports/summary", plan_id=world.plan_207["id"], **year_range(world)
        )
    ).json()
    # X05 and X06 were started from plan 207; X06 was cancelled by the plan's adjustment.
    assert (plan["inspections"], plan["cancelled"], plan["plan_number"]) == (2, 1, "207/KH-UBND")
    assert counts(plan["by_kind"]) == {"planned": 2}
    schools = (
        await get(
            world,
            "coord9",
            "/reports/summary",
            plan_id=world.school_plan["id"],
            **year_range(world),
        )
    ).json()
    assert (schools["inspections"], counts(schools["by_level"])) == (
        30,
        {"public_service_unit": 30},
    )
    # Home Affairs issued its own sub-agency's decision; the province issued the other 56.
    snv = (
        await get(
            world, "coord9", "/reports/summary", issuer_id=world.org["R9-SNV"], **year_range(world)
        )
    ).json()
    assert (snv["inspections"], counts(snv["by_level"]), snv["issuer_name"]) == (
        1,
        {"agency": 1},
        "Sở Nội vụ tỉnh Chín",
    )
    province = (
        await get(
            world, "coord9", "/reports/summary", issuer_id=world.org["R9"], **year_range(world)
        )
    ).json()
    assert province["inspections"] == 56
    docx = await get(
        world,
        "coord9",
        "/reports/summary.docx",
        plan_id=world.plan_207["id"],
        attached_as_parent="false",
        **year_range(world),
    )
    with zipfile.ZipFile(io.BytesIO(docx.content)) as word:
        text = re.sub(r"<[^>]+>", "", word.read("word/document.xml").decode())
    assert "đã tiến hành 2 cuộc kiểm tra công vụ" in text
    assert "Số liệu gồm các cuộc kiểm tra theo Kế hoạch số 207/KH-UBND." in text
    assert "Mỗi đơn vị được tính theo cấp của chính đơn vị." in text

    async def status(who: str, **params: str) -> int:
        r = await world.http.get("/reports/summary", params=params, headers=world.headers[who])
        return r.status_code

    # A plan the caller may not see is one that does not exist; an issuer of nothing the
    # caller sees is refused like an unknown one.
    assert await status("coord9", plan_id="no-such-plan") == 404
    assert await status("rep9", plan_id=world.school_plan["id"]) == 404
    assert await status("coord9", plan_id="x" * 65) == 422
    assert await status("coord9", issuer_id="no-such-org") == 422
    assert await status("rep9", issuer_id=world.org["R9-SNV"]) == 422
    assert await status("rep9", issuer_id=world.org["R9"]) == 200


async def test_remediations_across_a_units_inspections(world: World) -> None:
    async def items(who: str, **params: str) -> dict[str, Any]:
        return (await get(world, who, "/remediations", **params)).json()  # type: ignore[no-any-return]

    # X01's representative: its closed inspection's two items, never the secret one.
    own = await items("rep9")
    assert own["count"] == 2
    assert {r["inspection_id"] for r in own["data"]} == {world.closed_id}
    first = own["data"][0]
    assert (first["finding_no"], first["criterion"], first["cycle"], first["overdue"]) == (
        1,
        "WH-01",
        1,
        False,
    )
    assert first["title"] == "Kiểm tra đột xuất R9-X01" and "/TB-" in first["conclusion_number"]
    assert first["description"] and first["conclusion_date"] and first["action"]
    # The conclusion's notice names the number the register gave it and links to the page.
    inbox = (await get(world, "rep9", "/notifications", limit="200")).json()["data"]
    (told,) = [
        n
        for n in inbox
        if n["kind"] == "conclusion_issued" and n["inspection_id"] == world.closed_id
    ]
    assert f"Thông báo kết luận kiểm tra số {first['conclusion_number']}" in told["body_vi"]
    assert f"Conclusion notice {first['conclusion_number']}" in told["body_en"]
    assert told["body_vi"].endswith(f"/inspections/{world.closed_id}")
    # Another unit's items are not X01's to see.
    assert (await items("rep9", unit_id=world.org["R9-X05"]))["count"] == 0
    # X05: two items reported in the first cycle, finding 2 open again in the second.
    x05 = await items("rep9b")
    assert [(r["finding_no"], r["cycle"]) for r in x05["data"]] == [(1, 1), (2, 1), (2, 2)]
    still = await items("rep9b", status="open")
    assert [(r["finding_no"], r["cycle"], r["status"]) for r in still["data"]] == [(2, 2, "open")]
    due = still["data"][0]["due_on"]
    assert (await items("rep9b", status="open", due_before=due))["count"] == 0
    # The coordinator: every item in its authority, one unit's on asking, paged.
    everything = await items("coord9")
    assert everything["count"] == 5
    assert (await items("coord9", unit_id=world.org["R9-X05"]))["count"] == 3
    page = await items("coord9", limit="2", offset="4")
    assert (page["count"], len(page["data"])) == (5, 1)
    for params in (
        {"due_before": "2025-02-30"},
        {"due_before": "30/04/2025"},
        {"status": "lost"},
        {"unit_id": "no-such-org"},
        {"limit": "501"},
    ):
        r = await world.http.get("/remediations", params=params, headers=world.headers["coord9"])
        assert r.status_code == 422, params
