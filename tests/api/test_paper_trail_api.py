"""The paper trail over HTTP: every step's document numbered in the register and laid out
as a Word file; dates as business facts; typed numbers checked before anything is sent."""

import io
import re
import uuid
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from states.calendar import VN_TZ
from states.calendar import local_date as _local_date
from tests.api.conftest import People
from tests.api.test_lifecycle_api import post, results, start, team

TODAY = _local_date(datetime.now(VN_TZ))


async def get(http: httpx.AsyncClient, people: People, who: str, path: str) -> httpx.Response:
    return await http.get(path, headers=people.headers[who])


async def fire(
    http: httpx.AsyncClient, people: People, who: str, iid: str, path: str, body: Any = None
) -> dict[str, Any]:
    r = await post(http, people, who, f"/inspections/{iid}/{path}", body)
    assert r.status_code == 200, (path, r.text)
    return dict(r.json())


def weekday_back(day: date, n: int) -> date:
    """The ``n``-th weekday before ``day`` (holidays aside: tests pick quiet months)."""
    while n:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


async def test_every_step_leaves_its_numbered_document(
    http: httpx.AsyncClient, people: People
) -> None:
    iid = (await start(http, people))["inspection_id"]
    await fire(http, people, "coordinator", iid, "team", team(people))
    await fire(http, people, "coordinator", iid, "notice", {})
    await fire(http, people, "leader", iid, "visit/start")
    await fire(http, people, "leader", iid, "visit", {"results": results(["WH-01", "ID-01"])})
    await fire(http, people, "leader", iid, "findings-report", {"proposals": "nhắc nhở"})
    await fire(http, people, "decision_maker", iid, "conclusion", {"summary": "còn hạn chế"})
    await fire(http, people, "unit_rep", iid, "acknowledge")
    items = [{"finding_no": n, "report": "đã khắc phục"} for n in (1, 2)]
    await fire(http, people, "unit_rep", iid, "remediation-report", {"items": items})

    r = await get(http, people, "coordinator", f"/inspections/{iid}/documents")
    assert r.status_code == 200, r.text
    docs = r.json()["data"]
    kinds = [d["kind"] for d in docs]
    assert kinds == [
        "decision",
        "notice",
        "minutes",
        "findings_report",
        "conclusion",
        "remediation_report",
    ]
    symbols = {d["kind"]: d["symbol"] for d in docs}
    issuer = symbols["decision"].split("-", 1)[1]
    assert re.fullmatch(rf"\d+/QĐ-{issuer}", symbols["decision"])
    assert re.fullmatch(rf"\d+/TB-{issuer}", symbols["notice"])
    assert re.fullmatch(rf"\d+/BB-{issuer}", symbols["minutes"])
    assert re.fullmatch(rf"\d+/BC-{issuer}", symbols["findings_report"])
    # The unit's report carries the unit's own number.
    assert re.fullmatch(r"\d+/BC-\w+", symbols["remediation_report"])
    assert not symbols["remediation_report"].endswith(f"-{issuer}")
    assert all(d["year"] == TODAY.year and d["signed_on"] == TODAY.isoformat() for d in docs)

    # The unit reads what it was sent, not the team's internal report to the decision-maker.
    r = await get(http, people, "unit_rep", f"/inspections/{iid}/documents")
    assert "findings_report" not in [d["kind"] for d in r.json()["data"]]
    hidden = next(d for d in docs if d["kind"] == "findings_report")
    r = await get(http, people, "unit_rep", hidden["docx"].removeprefix("/api/v1"))
    assert r.status_code == 404

    # The conclusion as a Word file: its number and the national name are in it.
    conclusion = next(d for d in docs if d["kind"] == "conclusion")
    r = await get(http, people, "unit_rep", conclusion["docx"].removeprefix("/api/v1"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as docx:
        xml = docx.read("word/document.xml").decode()
    text = re.sub(r"<[^>]+>", "", xml)
    assert conclusion["symbol"] in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "YÊU CẦU KHẮC PHỤC" in text

    # Someone outside the inspection gets the unknown-inspection answer.
    r = await get(http, people, "coordinator2", conclusion["docx"].removeprefix("/api/v1"))
    assert r.status_code == 404


async def test_a_typed_number_is_checked_before_anything_is_sent(
    http: httpx.AsyncClient, people: People
) -> None:
    first = await start(http, people, decision={"number": "9101/QĐ-T01"})
    r = await get(http, people, "coordinator", f"/inspections/{first['inspection_id']}/documents")
    assert r.json()["data"][0]["symbol"] == "9101/QĐ-T01"
    before = (await get(http, people, "coordinator", "/inspections?limit=1")).json()["count"]
    body = {"kind": "planned", "unit_id": first["unit_id"], "title": "Lần hai"}
    taken = await post(
        http, people, "coordinator", "/inspections", body | {"decision": {"number": "9101/QĐ-T01"}}
    )
    assert taken.status_code == 409, taken.text
    assert "9101/QĐ-T01" in taken.json()["message"]
    wrong = await post(
        http, people, "coordinator", "/inspections", body | {"decision": {"number": "abc xyz"}}
    )
    assert wrong.status_code == 422, wrong.text
    after = (await get(http, people, "coordinator", "/inspections?limit=1")).json()["count"]
    assert after == before
    # The register continues after a typed number.
    second = await start(http, people)
    r = await get(http, people, "coordinator", f"/inspections/{second['inspection_id']}/documents")
    number = r.json()["data"][0]["number"]
    assert number > 9101


async def test_dates_are_business_facts(http: httpx.AsyncClient, people: People) -> None:
    signed = weekday_back(TODAY, 15)
    created = await start(http, people, decision={"signed_on": signed.isoformat()})
    iid = created["inspection_id"]
    # Lists, the year filter and reports use the decision's date.
    assert _local_date(datetime.fromisoformat(created["decided_at"])) == signed

    await fire(
        http, people, "coordinator", iid, "team", team(people) | {"signed_on": signed.isoformat()}
    )
    future = TODAY + timedelta(days=3)
    r = await post(
        http, people, "coordinator", f"/inspections/{iid}/notice", {"signed_on": future.isoformat()}
    )
    assert r.status_code == 422 and "future" in r.json()["message"], r.text
    before = weekday_back(signed, 2)
    r = await post(
        http, people, "coordinator", f"/inspections/{iid}/notice", {"signed_on": before.isoformat()}
    )
    assert r.status_code == 422 and "previous" in r.json()["detail"], r.text
    # The visit is planned at least the policy's working days after the notice.
    noticed = weekday_back(TODAY, 10)
    too_soon = weekday_back(TODAY, 8)
    r = await post(
        http,
        people,
        "coordinator",
        f"/inspections/{iid}/notice",
        {"signed_on": noticed.isoformat(), "visit_planned_on": too_soon.isoformat()},
    )
    assert r.status_code == 422 and "earliest" in r.json()["detail"], r.text
    saturday = TODAY + timedelta(days=(5 - TODAY.weekday()) % 7 + 14)
    r = await post(
        http,
        people,
        "coordinator",
        f"/inspections/{iid}/notice",
        {"signed_on": noticed.isoformat(), "visit_planned_on": saturday.isoformat()},
    )
    assert r.status_code == 422 and "next_working_day" in r.json()["detail"], r.text
    visit_on = weekday_back(TODAY, 3)
    await fire(
        http,
        people,
        "coordinator",
        iid,
        "notice",
        {"signed_on": noticed.isoformat(), "visit_planned_on": visit_on.isoformat()},
    )
    await fire(http, people, "leader", iid, "visit/start", {"held_on": visit_on.isoformat()})
    # A blank witness is no signature.
    unsigned = {
        "results": results(["WH-01"]),
        "signed_by_unit": False,
        "witness": "   ",
        "held_on": visit_on.isoformat(),
    }
    r = await post(http, people, "leader", f"/inspections/{iid}/visit", unsigned)
    assert r.status_code == 422, r.text
    minutes = await fire(
        http,
        people,
        "leader",
        iid,
        "visit",
        unsigned | {"witness": "Trưởng thôn Nguyễn Văn B", "place": "Trụ sở UBND xã"},
    )
    assert minutes["visit"]["leader_name"]  # the team leader who signs is named
    # Deadlines count from the visit's date, not from the moment it was entered.
    ended = datetime.fromisoformat(minutes["visit"]["ended_at"])
    assert _local_date(ended) == visit_on
    docs = (await get(http, people, "coordinator", f"/inspections/{iid}/documents")).json()
    dates = {d["kind"]: d["signed_on"] for d in docs["data"]}
    assert dates == {
        "decision": signed.isoformat(),
        "notice": noticed.isoformat(),
        "minutes": visit_on.isoformat(),
    }


def word_file(text: str) -> bytes:
    """A one-paragraph .docx holding ``text`` (docxtpl tags included)."""
    from docx import Document as Word

    document = Word()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def test_an_office_lays_out_its_own_documents(
    http: httpx.AsyncClient, people: People
) -> None:
    iid = (await start(http, people))["inspection_id"]
    docs = (await get(http, people, "coordinator", f"/inspections/{iid}/documents")).json()
    decision = docs["data"][0]
    issuer = decision["symbol"]
    path = "/organisations/org-province/document-templates/decision"
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    own = word_file("MẪU RIÊNG CỦA TỈNH {{ number_line }} {{ issuer }}")
    # The inspected side and other provinces manage no template here.
    for who in ("unit_rep", "coordinator2"):
        r = await http.put(
            path, content=own, headers=people.headers[who] | {"Content-Type": docx_type}
        )
        assert r.status_code == 404, (who, r.text)
    # A template that reaches for Python objects is refused, and nothing changes.
    hostile = word_file("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    r = await http.put(
        path, content=hostile, headers=people.headers["admin"] | {"Content-Type": docx_type}
    )
    assert r.status_code == 422, r.text
    r = await http.put(
        path, content=own, headers=people.headers["admin"] | {"Content-Type": docx_type}
    )
    assert r.status_code == 200 and r.json()["custom"], r.text
    r = await get(http, people, "coordinator", decision["docx"].removeprefix("/api/v1"))
    with zipfile.ZipFile(io.BytesIO(r.content)) as docx:
        text = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    assert "MẪU RIÊNG CỦA TỈNH" in text and issuer in text
    # Back to the default: the national name again.
    r = await http.delete(path, headers=people.headers["admin"])
    assert r.status_code == 200 and not r.json()["custom"]
    r = await get(http, people, "coordinator", decision["docx"].removeprefix("/api/v1"))
    with zipfile.ZipFile(io.BytesIO(r.content)) as docx:
        text = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "MẪU RIÊNG" not in text


async def test_the_years_report_is_a_document(http: httpx.AsyncClient, people: People) -> None:
    r = await get(http, people, "coordinator", f"/reports/summary.docx?from={TODAY.year}-01-01")
    assert r.status_code == 200, r.text
    with zipfile.ZipFile(io.BytesIO(r.content)) as docx:
        text = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode())
    assert f"Kết quả công tác kiểm tra công vụ năm {TODAY.year}" in text
    assert "I. KẾT QUẢ KIỂM TRA" in text and "3. Kết quả khắc phục" in text
    summary = (await get(http, people, "coordinator", "/reports/summary")).json()
    assert f"đã tiến hành {summary['inspections']} cuộc kiểm tra công vụ" in text


async def test_a_unit_that_ceased_to_exist_is_refused_naming_its_successor(
    http: httpx.AsyncClient, people: People
) -> None:
    code = f"OLD{uuid.uuid4().hex[:6]}"
    merged = {
        "code": code,
        "name": "UBND xã Cũ (trước sắp xếp)",
        "level": "commune",
        "parent_id": "org-province",
        "valid_to": "2025-06-30",
        "successor_id": "org-commune-an-phu",
    }
    r = await post(http, people, "admin", "/organisations", merged)
    assert r.status_code == 201, r.text
    old = r.json()["id"]
    body = {"kind": "planned", "unit_id": old, "title": "Kiểm tra xã cũ"}
    before = (await get(http, people, "coordinator", "/inspections?limit=1")).json()["count"]
    r = await post(http, people, "coordinator", "/inspections", body)
    assert r.status_code == 422, r.text
    assert "UBND xã An Phú" in r.json()["message"]
    assert r.json()["detail"]["successor_id"] == "org-commune-an-phu"
    assert (await get(http, people, "coordinator", "/inspections?limit=1")).json()[
        "count"
    ] == before
    # A decision signed while it still existed, entered now from paper, stands.
    r = await post(
        http,
        people,
        "coordinator",
        "/inspections",
        body | {"decision": {"signed_on": "2025-06-20"}},
    )
    assert r.status_code == 201, r.text


async def test_the_on_time_rate_of_nothing_due_is_empty_not_zero(
    http: httpx.AsyncClient, people: People
) -> None:
    empty = {"from": "2001-01-01", "to": "2001-12-31"}
    r = await http.get("/reports/summary", params=empty, headers=people.headers["coordinator"])
    assert r.status_code == 200 and r.json()["remediation"]["on_time_pct"] is None
    r = await http.get("/reports/summary.csv", params=empty, headers=people.headers["coordinator"])
    assert "remediation,on_time_pct,Tỷ lệ đúng hạn (trên số đã đến hạn),,\r\n" in r.text
