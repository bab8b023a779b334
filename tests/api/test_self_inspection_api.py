"""Self-inspection (tự kiểm tra) over HTTP: a school decides its own inspection, its own staff
form the team, it visits, concludes and remediates, and reports the result to the ward that
manages it — which sees it in its lists and reports."""

from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from states.vocabulary import Role
from testkit import samples as b
from testkit.people import add_people
from tests.api.conftest import PASSWORD, People
from tests.api.test_lifecycle_api import post, results

# The school (under xã An Phú) and the commune's head, added for this module.
SCHOOL_ACCOUNTS = [
    ("school_coord", Role.COORDINATOR, b.SCHOOL, ""),
    ("school_head", Role.DECISION_MAKER, b.SCHOOL, ""),
    ("school_staff", Role.INSPECTOR, b.SCHOOL, ""),
    ("school_rep", Role.UNIT_REP, b.SCHOOL, ""),
    ("commune_head", Role.DECISION_MAKER, b.COMMUNE, ""),
]


@pytest.fixture(scope="module")
async def school(http: httpx.AsyncClient, engine: Engine, people: People) -> People:
    ids = add_people(engine, [], SCHOOL_ACCOUNTS, PASSWORD)
    headers = dict(people.headers)
    for username, *_ in SCHOOL_ACCOUNTS:
        r = await http.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        headers[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return People(headers=headers, ids=people.ids | ids)


async def step(
    http: httpx.AsyncClient, who: People, user: str, iid: str, path: str, body: Any = None
) -> dict[str, Any]:
    r = await post(http, who, user, f"/inspections/{iid}/{path}", body)
    assert r.status_code == 200, (path, r.text)
    return dict(r.json())


async def test_a_school_inspects_itself_and_reports_to_its_commune(
    http: httpx.AsyncClient, school: People
) -> None:
    body = {"kind": "self", "unit_id": b.SCHOOL, "title": "Tự kiểm tra công vụ Trường TH An Phú"}
    # Only the unit itself decides its self-inspection.
    r = await post(http, school, "coordinator", "/inspections", body)
    assert r.status_code == 403, r.text
    r = await post(
        http, school, "school_coord", "/inspections", body | {"decision": {"issuer_id": b.COMMUNE}}
    )
    assert r.status_code == 422, r.text
    r = await post(http, school, "school_coord", "/inspections", body)
    assert r.status_code == 201, r.text
    started = r.json()
    iid = started["inspection_id"]
    assert started["decision"]["issuer_id"] == b.SCHOOL

    # Its own staff form the team: nobody from outside the school.
    leader = {"user_id": school.ids["insider"], "team_role": "team_leader"}
    outsider = {"user_id": school.ids["leader"], "team_role": "member"}
    r = await post(
        http, school, "school_coord", f"/inspections/{iid}/team", {"members": [leader, outsider]}
    )
    assert r.status_code == 422, r.text
    staff = {"user_id": school.ids["school_staff"], "team_role": "member"}
    await step(http, school, "school_coord", iid, "team", {"members": [leader, staff]})
    await step(http, school, "insider", iid, "visit/start")
    await step(http, school, "insider", iid, "visit", {"results": results(["ID-01"])})
    await step(http, school, "insider", iid, "findings-report", {"proposals": "nhắc nhở"})
    await step(http, school, "school_head", iid, "conclusion", {"summary": "còn hạn chế"})
    # The school answers for itself; the commune above it does not answer for the school.
    r = await post(http, school, "unit_rep", f"/inspections/{iid}/acknowledge")
    assert r.status_code == 403, r.text
    await step(http, school, "school_rep", iid, "acknowledge")
    items = [{"finding_no": 1, "report": "đã đeo thẻ đầy đủ"}]
    await step(http, school, "school_rep", iid, "remediation-report", {"items": items})
    await step(http, school, "school_coord", iid, "reinspection", {})
    closed = await step(
        http,
        school,
        "insider",
        iid,
        "verification",
        {"results": [{"finding_no": 1, "outcome": "resolved"}]},
    )
    assert closed["state"] == "closed"

    # The report upward: a numbered document of the school, and the commune is told.
    r = await http.get(f"/inspections/{iid}/documents", headers=school.headers["school_coord"])
    assert r.status_code == 200, r.text
    report = next(d for d in r.json()["data"] if d["kind"] == "self_report")
    assert report["symbol"].split("/", 1)[1].startswith("BC-")
    r = await http.get(
        f"/inspections/{iid}/documents/{report['id']}.docx",
        headers=school.headers["commune_head"],
    )
    assert r.status_code == 200, r.text
    r = await http.get("/notifications", headers=school.headers["commune_head"])
    told = [n for n in r.json()["data"] if n["inspection_id"] == iid]
    assert [n["kind"] for n in told] == ["self_inspection_reported"], told

    # The managing body sees it in its lists and reports; the province's office too.
    for who in ("commune_head", "coordinator"):
        r = await http.get("/inspections", params={"kind": "self"}, headers=school.headers[who])
        assert iid in [i["id"] for i in r.json()["data"]], who
    r = await http.get("/reports/summary", headers=school.headers["commune_head"])
    by_kind = {line["key"]: line["count"] for line in r.json()["by_kind"]}
    assert by_kind["self"] >= 1
